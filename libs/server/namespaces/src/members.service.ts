import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { PlatformKeys } from '@fleetgate/auth';
import { EmailJobName, QueueName } from '@fleetgate/contracts';
import {
  ApiKeysRepository,
  type MemberRole,
  MembershipsRepository,
  type NamespaceDocument,
  NamespacesRepository,
  tenantScope,
  type TenantScope,
  type UserDocument,
  UsersRepository,
} from '@fleetgate/data-access';
import { AppException } from '@fleetgate/errors';
import { type AuthenticatedMember, PLATFORM_KEYS, roleHasAuthorityOver } from '@fleetgate/identity';
import { QueueProducer } from '@fleetgate/queue';
import { signInvitation, verifyInvitation } from './invitation-signature';
import { NamespaceViewsService } from './namespace-views.service';
import type { NamespaceView } from './namespace.view';
import { scopeOfPath } from './namespaces.service';
import { NAMESPACES_OPTIONS, type NamespacesOptions } from './namespaces.options';

export interface MemberInvitation {
  email: string;
  role: MemberRole;
}

export interface InvitationStatus {
  /** The invited user's account status: `invited` (no account yet: sign up), else log in and accept. */
  status: UserDocument['status'];
}

/** The template the worker's e-mail processor renders for an invitation. */
export const INVITATION_EMAIL_TEMPLATE = 'namespace-invitation';

@Injectable()
export class MembersService {
  constructor(
    @Inject(PLATFORM_KEYS) private readonly keys: PlatformKeys,
    @Inject(NAMESPACES_OPTIONS) private readonly options: NamespacesOptions,
    private readonly namespaces: NamespacesRepository,
    private readonly memberships: MembershipsRepository,
    private readonly apiKeys: ApiKeysRepository,
    private readonly users: UsersRepository,
    private readonly views: NamespaceViewsService,
    private readonly queue: QueueProducer,
  ) {}

  /**
   * Invites someone by e-mail with a role the inviter dominates. Unknown addresses get a placeholder `invited`
   * account that registration completes. The member stays pending until they accept the e-mailed link (valid
   * 7 days); inviting a pending member again updates the role and sends a new link. With auto-accept configured,
   * the user must exist and becomes a member at once.
   */
  async invite(
    member: AuthenticatedMember,
    tenant: string,
    invitation: MemberInvitation,
  ): Promise<NamespaceView> {
    const scope = scopeOfPath(member, tenant);
    if (!roleHasAuthorityOver(member.role, invitation.role)) {
      throw AppException.forbidden(`a ${member.role} may not invite an ${invitation.role}`);
    }
    const namespace = await this.namespace(scope);
    const email = invitation.email.toLowerCase();
    const user = await this.userByEmail(email);

    const existing = await this.memberships.findOne(scope, { user_id: user.id });
    if (existing?.status === 'accepted') throw AppException.conflict('this user is already a member');
    const status = this.options.autoAcceptMembers ? 'accepted' : 'pending';
    if (existing) {
      await this.memberships.updateOne(
        scope,
        { user_id: user.id },
        { $set: { role: invitation.role, status } },
      );
    } else {
      await this.memberships.create(scope, { user_id: user.id, role: invitation.role, status });
    }
    if (status === 'pending') await this.sendInvitation(namespace, user, member.username);
    return this.views.view(namespace);
  }

  /** The invited user, logged in, accepts with the signature from the e-mail. */
  async acceptInvitation(userId: string, tenant: string, signature: string): Promise<void> {
    const scope = tenantScope(tenant);
    const claims = verifyInvitation(this.keys, signature);
    if (!claims || claims.tenantId !== scope.tenantId) {
      throw AppException.validation('the invitation signature is invalid or expired');
    }
    if (claims.userId !== userId) throw AppException.forbidden('this invitation is for another user');
    const membership = await this.memberships.findOne(scope, { user_id: userId });
    if (!membership) throw AppException.notFound('invitation');
    if (membership.status === 'accepted') return;
    await this.memberships.updateOne(scope, { user_id: userId }, { $set: { status: 'accepted' } });
  }

  /** Unauthenticated: the signature is the credential. Tells the invitation page whether to sign up or log in. */
  async invitationStatus(tenant: string, userId: string, signature: string): Promise<InvitationStatus> {
    const scope = tenantScope(tenant);
    const claims = verifyInvitation(this.keys, signature);
    if (!claims || claims.tenantId !== scope.tenantId || claims.userId !== userId) {
      throw AppException.unauthorized('the invitation signature is invalid or expired');
    }
    const [membership, user] = await Promise.all([
      this.memberships.findOne(scope, { user_id: userId }),
      this.users.findById(userId),
    ]);
    if (!membership || !user) throw AppException.notFound('invitation');
    return { status: user.status };
  }

  /** Changes a member's role; never the owner's, never one's own, never to or from a role above one's own. */
  async updateRole(
    member: AuthenticatedMember,
    tenant: string,
    userId: string,
    role: MemberRole,
  ): Promise<void> {
    const scope = scopeOfPath(member, tenant);
    const target = await this.memberships.findOne(scope, { user_id: userId });
    if (!target) throw AppException.notFound('member');
    if (target.user_id === member.userId)
      throw AppException.forbidden('members may not change their own role');
    if (!roleHasAuthorityOver(member.role, target.role) || !roleHasAuthorityOver(member.role, role)) {
      throw AppException.forbidden(`a ${member.role} may not make an ${target.role} an ${role}`);
    }
    await this.memberships.updateOne(scope, { user_id: userId }, { $set: { role } });
  }

  /**
   * Removes a member (or a pending invitation); access ends with the next request, which looks the role up anew.
   * The member's API keys are deleted with the membership: a key only checks that its creator is a member, so a
   * kept key would work again the day the member is invited back.
   */
  async remove(member: AuthenticatedMember, tenant: string, userId: string): Promise<NamespaceView> {
    const scope = scopeOfPath(member, tenant);
    const target = await this.memberships.findOne(scope, { user_id: userId });
    if (!target) throw AppException.notFound('member');
    if (!roleHasAuthorityOver(member.role, target.role)) {
      throw AppException.forbidden(`a ${member.role} may not remove an ${target.role}`);
    }
    await this.revokeApiKeysOf(scope, userId);
    await this.memberships.deleteOne(scope, { user_id: userId });
    return this.views.view(await this.namespace(scope));
  }

  /** The caller leaves the namespace; the owner cannot (they delete it instead). */
  async leave(member: AuthenticatedMember, tenant: string): Promise<void> {
    const scope = scopeOfPath(member, tenant);
    if (member.role === 'owner')
      throw AppException.forbidden('the owner cannot leave; delete the namespace instead');
    await this.revokeApiKeysOf(scope, member.userId);
    await this.memberships.deleteOne(scope, { user_id: member.userId });
  }

  // Before the membership goes: should this fail, the member is still there and a retry deletes both.
  private async revokeApiKeysOf(scope: TenantScope, userId: string): Promise<void> {
    await this.apiKeys.deleteMany(scope, { created_by: userId });
  }

  private async sendInvitation(
    namespace: NamespaceDocument,
    user: UserDocument,
    inviter: string,
  ): Promise<void> {
    const sig = signInvitation(this.keys, { tenantId: namespace.tenant_id, userId: user.id });
    const query = new URLSearchParams({ 'tenant-id': namespace.tenant_id, 'user-id': user.id, sig });
    await this.queue.enqueue(QueueName.Email, EmailJobName.Send, {
      template: INVITATION_EMAIL_TEMPLATE,
      to: user.email,
      variables: {
        namespace: namespace.name,
        inviter,
        link: `${this.options.invitationBaseUrl}/accept-invite?${query.toString()}`,
      },
    });
  }

  private async userByEmail(email: string): Promise<UserDocument> {
    const found = await this.users.findByUsernameOrEmail(email);
    if (found && found.email === email) return found;
    if (this.options.autoAcceptMembers) throw AppException.notFound('user');
    const id = randomUUID();
    // A placeholder: it cannot log in (status `invited`, no password); registration with the invitation completes it.
    return this.users.create({
      id,
      name: email.split('@')[0]?.slice(0, 64) || email,
      username: id,
      email,
      password_hash: '!',
      status: 'invited',
      max_namespaces: -1,
    });
  }

  private async namespace(scope: TenantScope): Promise<NamespaceDocument> {
    const namespace = await this.namespaces.findOne(scope, {});
    if (!namespace) throw AppException.notFound('namespace');
    return namespace;
  }
}
