import { Injectable } from '@nestjs/common';
import {
  type MembershipDocument,
  type MemberRole,
  MembershipsRepository,
  tenantScope,
  type UserDocument,
  UsersRepository,
} from '@fleetgate/data-access';
import { ErrorCode } from '@fleetgate/contracts';
import { AppException } from '@fleetgate/errors';
import { Clock } from './clock';
import { type LoginAttemptTicket, LoginLockoutService } from './login-lockout.service';
import { MfaStateRepository } from './mfa-state.repository';
import { PasswordHashingService } from './password-hashing.service';
import { UserSessionService } from './user-session.service';

export interface LoginCredentials {
  /** A username or an e-mail address. */
  username: string;
  password: string;
}

/** ShellHub's login response (`POST /api/login`). */
export interface LoginResponse {
  token: string;
  /** The username. */
  user: string;
  name: string;
  id: string;
  email: string;
  recovery_email: string;
  /** The tenant the token is for, or '' when the user belongs to no namespace yet. */
  tenant: string;
  role: MemberRole | '';
  mfa: boolean;
  max_namespaces: number;
}

@Injectable()
export class LoginService {
  constructor(
    private readonly sessions: UserSessionService,
    private readonly users: UsersRepository,
    private readonly memberships: MembershipsRepository,
    private readonly passwords: PasswordHashingService,
    private readonly lockouts: LoginLockoutService,
    private readonly clock: Clock,
    private readonly mfaState: MfaStateRepository,
  ) {}

  /**
   * `clientAddress` is the address the platform believes (a trusted proxy's X-Real-IP / X-Forwarded-For, else the
   * peer): the lockout is per (address, user), and a client cannot pick its address to escape it.
   */
  async login(credentials: LoginCredentials, clientAddress: string): Promise<LoginResponse> {
    const user = await this.users.findByUsernameOrEmail(credentials.username);
    // Unknown identifiers lock like real users, so that a 429 does not reveal which accounts exist.
    const subject = user?.id ?? `unknown:${credentials.username.toLowerCase()}`;
    const ticket = await this.beginAttempt(clientAddress, subject);
    try {
      // The hash is checked even without a user, so an unknown username answers as slowly as a wrong password.
      const passwordMatches = await this.passwords.matches(user?.password_hash ?? null, credentials.password);
      if (!user || !passwordMatches || user.status === 'invited') {
        const lockStarts = await ticket.failed();
        if (lockStarts > 0) throw this.lockedOut(lockStarts);
        throw new AppException(ErrorCode.Unauthorized, 'invalid username or password', undefined, {
          'X-Account-Lockout': '0',
        });
      }
      // With MFA the login succeeds only at the second step, which resets the failures then: resetting them here
      // would let whoever knows the password guess codes without end, a few between password logins.
      if (!user.mfa?.enabled) await ticket.succeeded();
    } finally {
      await ticket.release();
    }
    // Told only to whoever knows the password, so it reveals nothing about which accounts exist.
    if (user.status === 'not-confirmed') throw AppException.forbidden('the account is not confirmed yet');

    // ShellHub's step 6: the password alone is not enough; the client finishes with POST /api/user/mfa/auth.
    if (user.mfa?.enabled) {
      const mfaToken = await this.mfaState.issueToken(user.id);
      throw new AppException(ErrorCode.Unauthorized, 'a code from the authenticator app is required', undefined, {
        'X-Account-Lockout': '0',
        'X-MFA-Token': mfaToken,
      });
    }
    return this.loginResponseFor(user);
  }

  /**
   * The login response of a user who has proved who they are (password, and MFA when enabled). The user enters
   * the first namespace they joined; a preferred namespace is later work.
   */
  async loginResponseFor(user: UserDocument): Promise<LoginResponse> {
    const [membership] = await this.memberships.findAcceptedOfUserUnscoped(user.id);
    return this.sessionOf(user, membership ?? null);
  }

  /**
   * A fresh login response for an authenticated user in `tenantId` (ShellHub's `GET /api/auth/token/{tenant}`):
   * only for a namespace the user is an accepted member of now; anything else is refused, never a token for it.
   */
  async switchNamespace(
    session: { userId: string; authTime: number },
    tenantId: string,
  ): Promise<LoginResponse> {
    const user = await this.users.findById(session.userId);
    if (!user || user.status !== 'confirmed') throw AppException.unauthorized('invalid or expired token');
    const membership = await this.memberships.findOne(tenantScope(tenantId), { user_id: user.id, status: 'accepted' });
    if (!membership) throw AppException.forbidden('not a member of this namespace');
    // A swap renews the same session: it must not restart the session's age.
    return this.sessionOf(user, membership, session.authTime);
  }

  /**
   * `GET /api/auth/user`: the caller's login response for the token's namespace while they are still an accepted
   * member of it, else with an empty tenant and role (as after a login without any namespace).
   */
  async currentUser(authorization: string | undefined): Promise<LoginResponse> {
    const claims = this.sessions.claimsOf(authorization);
    const tenantId = claims.tenant;
    const user = await this.users.findById(claims.id);
    this.sessions.requireCurrent(claims, user);
    const membership = tenantId
      ? await this.memberships.findOne(tenantScope(tenantId), { user_id: user.id, status: 'accepted' })
      : null;
    // The renewed token keeps the session's start: renewing forever cannot outlive the maximum session age.
    return this.sessionOf(user, membership, claims.authTime);
  }

  private sessionOf(
    user: UserDocument,
    membership: MembershipDocument | null,
    authTime?: number,
  ): LoginResponse {
    const tenant = membership?.tenant_id ?? '';
    return {
      token: this.sessions.tokenFor(user, tenant, authTime),
      user: user.username,
      name: user.name,
      id: user.id,
      email: user.email,
      recovery_email: user.recovery_email ?? '',
      tenant,
      role: membership?.role ?? '',
      mfa: user.mfa?.enabled ?? false,
      max_namespaces: user.max_namespaces,
    };
  }

  /**
   * Takes the pair's one attempt slot (`LoginLockoutService.begin`), or answers 429: locked, or another attempt of
   * the same pair is still being checked. Settle the ticket, and release it in a `finally`.
   */
  async beginAttempt(clientAddress: string, subject: string): Promise<LoginAttemptTicket> {
    const gate = await this.lockouts.begin(clientAddress, subject);
    if (gate.granted) return gate.ticket;
    if (gate.reason === 'locked') throw this.lockedOut(gate.retryAt);
    return this.busy(gate.retryAt);
  }

  private busy(retryAt: number): never {
    throw new AppException(
      ErrorCode.TooManyRequests,
      'another login attempt for this account from your address is still being checked; try again in a second',
      undefined,
      {
        'X-Account-Lockout': String(Math.ceil(retryAt / 1000)),
        'Retry-After': String(Math.max(1, Math.ceil((retryAt - this.clock.now()) / 1000))),
      },
    );
  }

  /**
   * 429 with ShellHub's `X-Account-Lockout` (when the lockout ends, in unix seconds) and the standard `Retry-After`
   * (seconds to wait), as every 429 of the API has.
   */
  lockedOut(untilMs: number): AppException {
    const seconds = Math.ceil(untilMs / 1000);
    const wait = Math.max(1, seconds - Math.floor(this.clock.now() / 1000));
    return new AppException(
      ErrorCode.TooManyRequests,
      `too many failed logins; try again in ${wait} seconds`,
      undefined,
      { 'X-Account-Lockout': String(seconds), 'Retry-After': String(wait) },
    );
  }
}
