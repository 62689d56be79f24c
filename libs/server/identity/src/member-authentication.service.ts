import { Inject, Injectable } from '@nestjs/common';
import { type PlatformKeys, verifyUserToken } from '@fleetgate/auth';
import {
  type MemberRole,
  MembershipsRepository,
  type TenantScope,
  tenantScope,
  UsersRepository,
} from '@fleetgate/data-access';
import { AppException } from '@fleetgate/errors';
import { type Permission, roleAllows } from './permissions';
import { PLATFORM_KEYS } from './platform-keys.module';

/** A caller known by their user token alone, for the few routes that act before or across namespaces. */
export interface AuthenticatedUser {
  userId: string;
  username: string;
}

/** Who is calling, in which namespace, with which role: established anew on every request. */
export interface AuthenticatedMember {
  userId: string;
  username: string;
  role: MemberRole;
  scope: TenantScope;
}

export interface MemberCredentials {
  /** The `Authorization` header. */
  authorization?: string;
  /** The `X-Tenant-ID` header, which selects a namespace other than the token's. */
  tenantId?: string;
}

@Injectable()
export class MemberAuthenticationService {
  constructor(
    @Inject(PLATFORM_KEYS) private readonly keys: PlatformKeys,
    private readonly memberships: MembershipsRepository,
    private readonly users: UsersRepository,
  ) {}

  /**
   * User-level authentication (create or list namespaces, accept an invitation, switch namespace): a valid user
   * token of a user who still exists and is confirmed; no membership is needed and no role is checked.
   */
  async authenticateUser(authorization: string | undefined): Promise<AuthenticatedUser> {
    const claims = this.verifiedClaims(authorization);
    const user = await this.users.findById(claims.id);
    if (!user || user.status !== 'confirmed') throw AppException.unauthorized('invalid or expired token');
    return { userId: user.id, username: user.username };
  }

  /**
   * Verifies the bearer user token and checks, now rather than when the token was issued, that the user is an
   * accepted member of the namespace it acts in: a removed member loses access at once.
   */
  async authenticate(credentials: MemberCredentials): Promise<AuthenticatedMember> {
    const claims = this.verifiedClaims(credentials.authorization);
    const tenantId = credentials.tenantId || claims.tenant;
    if (!tenantId) throw AppException.forbidden('no namespace selected');
    const scope = tenantScope(tenantId);
    const membership = await this.memberships.findOne(scope, { user_id: claims.id, status: 'accepted' });
    if (!membership) throw AppException.forbidden('not a member of this namespace');
    return { userId: claims.id, username: claims.name, role: membership.role, scope };
  }

  private verifiedClaims(authorization: string | undefined) {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token) throw AppException.unauthorized('missing bearer token');
    const claims = verifyUserToken(this.keys, token);
    if (!claims) throw AppException.unauthorized('invalid or expired token');
    return claims;
  }

  authorize(member: AuthenticatedMember, permission: Permission): void {
    if (!roleAllows(member.role, permission)) {
      throw AppException.forbidden(`the ${member.role} role may not do this`);
    }
  }
}
