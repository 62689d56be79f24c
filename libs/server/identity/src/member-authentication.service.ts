import { Injectable } from '@nestjs/common';
import {
  API_KEY_NEVER_EXPIRES,
  ApiKeysRepository,
  type MemberRole,
  MembershipsRepository,
  type TenantScope,
  tenantScope,
  UsersRepository,
} from '@fleetgate/data-access';
import { AppException } from '@fleetgate/errors';
import { Clock } from './clock';
import { apiKeyAllows, lowerRole, type Permission, roleAllows } from './permissions';
import { UserSessionService } from './user-session.service';

/** Longer than any key we issue or accept (UUIDs); anything longer is refused before it is hashed. */
const MAX_API_KEY_LENGTH = 128;

/** A caller known by their user token alone, for the few routes that act before or across namespaces. */
export interface AuthenticatedUser {
  userId: string;
  username: string;
  /** Unix seconds when the session began; renewed tokens keep it (maximum session age). */
  authTime: number;
}

/** Who is calling, in which namespace, with which role: established anew on every request. */
export interface AuthenticatedMember {
  userId: string;
  username: string;
  role: MemberRole;
  scope: TenantScope;
  /**
   * Set when the caller authenticated with `X-API-KEY` rather than a user token: then `userId` and `username` are
   * the key's creator, and `role` is the lower of the key's role and the creator's current role.
   */
  apiKey?: { name: string };
}

export interface MemberCredentials {
  /** The `Authorization` header. */
  authorization?: string;
  /** The `X-Tenant-ID` header, which selects a namespace other than the token's; ignored with an API key. */
  tenantId?: string;
  /** The `X-API-KEY` header; when present (non-empty) it is used instead of `authorization`, as in ShellHub. */
  apiKey?: string;
}

@Injectable()
export class MemberAuthenticationService {
  constructor(
    private readonly sessions: UserSessionService,
    private readonly memberships: MembershipsRepository,
    private readonly users: UsersRepository,
    private readonly apiKeys: ApiKeysRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * User-level authentication (create or list namespaces, accept an invitation, switch namespace): a valid user
   * token of a user who still exists and is confirmed; no membership is needed and no role is checked.
   */
  async authenticateUser(authorization: string | undefined): Promise<AuthenticatedUser> {
    const claims = this.sessions.claimsOf(authorization);
    const user = await this.users.findById(claims.id);
    this.sessions.requireCurrent(claims, user);
    return { userId: user.id, username: user.username, authTime: claims.authTime };
  }

  /**
   * Verifies the bearer user token and checks, now rather than when the token was issued, that the user is an
   * accepted member of the namespace it acts in: a removed member loses access at once.
   */
  async authenticate(credentials: MemberCredentials): Promise<AuthenticatedMember> {
    if (credentials.apiKey) return this.authenticateApiKey(credentials.apiKey);
    const claims = this.sessions.claimsOf(credentials.authorization);
    const tenantId = credentials.tenantId || claims.tenant;
    const scope = tenantId ? tenantScope(tenantId) : null;
    const [user, membership] = await Promise.all([
      this.users.findById(claims.id),
      scope ? this.memberships.findOne(scope, { user_id: claims.id, status: 'accepted' }) : null,
    ]);
    this.sessions.requireCurrent(claims, user);
    if (!scope) throw AppException.forbidden('no namespace selected');
    if (!membership) throw AppException.forbidden('not a member of this namespace');
    return { userId: claims.id, username: claims.name, role: membership.role, scope };
  }

  /**
   * An API key acts in its own namespace for its creator, checked now rather than when it was made: an expired key,
   * or one whose creator is no longer an accepted member, is refused; and it never does more than the creator's
   * current role allows (docs/adr/0003-api-keys.md). Every failure is the same 401, so that probing learns nothing.
   */
  private async authenticateApiKey(plaintext: string): Promise<AuthenticatedMember> {
    const invalid = () => AppException.unauthorized('invalid or expired API key');
    if (plaintext.length > MAX_API_KEY_LENGTH) throw invalid();
    const key = await this.apiKeys.findByPlaintextUnscoped(plaintext);
    if (!key) throw invalid();
    const expired = key.expires_in !== API_KEY_NEVER_EXPIRES && this.clock.now() >= key.expires_in * 1000;
    if (expired) throw invalid();
    const scope = tenantScope(key.tenant_id);
    const [membership, creator] = await Promise.all([
      this.memberships.findOne(scope, { user_id: key.created_by, status: 'accepted' }),
      this.users.findById(key.created_by),
    ]);
    if (!membership || !creator || creator.status !== 'confirmed') throw invalid();
    return {
      userId: creator.id,
      username: creator.username,
      role: lowerRole(key.role, membership.role),
      scope,
      apiKey: { name: key.name },
    };
  }

  /** User-level routes act for a person, never for a namespace's automation (ShellHub's `BlockAPIKey`). */
  refuseApiKey(apiKey: string | undefined): void {
    if (apiKey) throw AppException.forbidden('API keys may not use this route');
  }

  authorize(member: AuthenticatedMember, permission: Permission): void {
    if (member.apiKey && !apiKeyAllows(permission)) throw AppException.forbidden('API keys may not do this');
    if (!roleAllows(member.role, permission)) {
      throw AppException.forbidden(`the ${member.role} role may not do this`);
    }
  }
}
