import { type DynamicModule, Inject, Injectable, Module } from '@nestjs/common';
import { type PlatformKeys, signUserToken, type VerifiedUserToken, verifyUserToken } from '@fleetgate/auth';
import { type UserDocument, UsersRepository } from '@fleetgate/data-access';
import { AppException } from '@fleetgate/errors';
import { Clock } from './clock';
import { PLATFORM_KEYS } from './platform-keys.module';

export const USER_SESSION_OPTIONS = Symbol('USER_SESSION_OPTIONS');

export interface UserSessionOptions {
  /** The longest a session lasts from the login that began it, however often its token is renewed. */
  maxAgeSeconds: number;
}

/**
 * The `$inc` that ends every session of a user (docs/adr/0004-sessions-and-address-changes.md): tokens carry the
 * epoch they were issued in, and the guard refuses any other. Combine it with the change that calls for it
 * (password, MFA) in one update, so no token is issued between the two.
 */
export const END_EVERY_SESSION = { token_epoch: 1 } as const;

/** User tokens: issued for a session, renewed within its maximum age, and checked against the user on each use. */
@Injectable()
export class UserSessionService {
  constructor(
    @Inject(PLATFORM_KEYS) private readonly keys: PlatformKeys,
    @Inject(USER_SESSION_OPTIONS) private readonly options: UserSessionOptions,
    private readonly users: UsersRepository,
    private readonly clock: Clock,
  ) {}

  /** A token for `user` in `tenantId`: a new session, or a renewal of the one begun at `authTime`. */
  tokenFor(user: UserDocument, tenantId: string, authTime?: number): string {
    return signUserToken(this.keys, {
      id: user.id,
      username: user.username,
      tenantId,
      mfa: user.mfa?.enabled ?? false,
      epoch: user.token_epoch ?? 0,
      authTime,
      maxSessionAgeSeconds: this.options.maxAgeSeconds,
    });
  }

  /** The verified claims of a bearer user token; 401 for anything else. */
  claimsOf(authorization: string | undefined): VerifiedUserToken {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token) throw AppException.unauthorized('missing bearer token');
    const claims = verifyUserToken(this.keys, token);
    if (!claims) throw AppException.unauthorized('invalid or expired token');
    return claims;
  }

  /**
   * 401 unless the token's user still exists, is confirmed, has not ended their sessions since (password change or
   * reset, MFA change, sign-out everywhere), and the session is younger than its maximum age. The user is the one
   * the guard loads anyway, so the check costs no extra query.
   */
  requireCurrent(claims: VerifiedUserToken, user: UserDocument | null): asserts user is UserDocument {
    const expired = () => AppException.unauthorized('invalid or expired token');
    if (!user || user.id !== claims.id || user.status !== 'confirmed') throw expired();
    if (claims.epoch !== (user.token_epoch ?? 0)) throw expired();
    if (this.clock.now() >= (claims.authTime + this.options.maxAgeSeconds) * 1000) throw expired();
  }

  /** Sign-out everywhere: every token issued so far stops working. */
  async endEverySession(userId: string): Promise<void> {
    const user = await this.users.updateById(userId, { $inc: END_EVERY_SESSION });
    if (!user) throw AppException.unauthorized('invalid or expired token');
  }
}

/** Provides `UserSessionService` with the session policy; global, because the guard and login need it. */
@Module({})
export class UserSessionModule {
  static forRoot(options: UserSessionOptions): DynamicModule {
    return {
      module: UserSessionModule,
      global: true,
      providers: [{ provide: USER_SESSION_OPTIONS, useValue: options }, UserSessionService],
      exports: [UserSessionService],
    };
  }
}
