import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { authenticator } from 'otplib';
import { type PlatformKeys, SecretBox } from '@fleetgate/auth';
import { type UserDocument, UsersRepository } from '@fleetgate/data-access';
import { EmailJobName, ErrorCode, QueueName } from '@fleetgate/contracts';
import { AppException } from '@fleetgate/errors';
import { QueueProducer } from '@fleetgate/queue';
import { Clock } from './clock';
import { EmailThrottleService } from './email-throttle.service';
import type { LoginAttemptTicket } from './login-lockout.service';
import { type LoginResponse, LoginService } from './login.service';
import { MfaStateRepository, RECOVERY_CACHE_TTL_SECONDS } from './mfa-state.repository';
import { PLATFORM_KEYS } from './platform-keys.module';
import { verifyTotpCode } from './totp';
import { END_EVERY_SESSION } from './user-session.service';

/** The issuer authenticator apps show next to the account. */
export const MFA_ISSUER = 'Fleetgate';
export const MFA_RESET_MAIN_EMAIL_TEMPLATE = 'mfa-reset-main';
export const MFA_RESET_RECOVERY_EMAIL_TEMPLATE = 'mfa-reset-recovery';

const RECOVERY_CODE_COUNT = 6;
const RECOVERY_CODE_LENGTH = 10;
/** ShellHub's reset codes look like "JR36Q"; two of them plus the login lockout bound guessing. */
const RESET_CODE_LENGTH = 5;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** What `GET /api/user/mfa/generate` answers; nothing of it is stored until `enable`. */
export interface MfaCredentials {
  link: string;
  secret: string;
  recovery_codes: string[];
}

export interface MfaEnableRequest {
  code: string;
  secret: string;
  recovery_codes: string[];
}

export interface MfaAuthRequest {
  /** The X-MFA-Token of the password step. */
  token: string;
  code: string;
}

export interface MfaRecoverRequest {
  identifier: string;
  recovery_code: string;
}

export interface MfaDisableRequest {
  code?: string;
  recovery_code?: string;
}

export interface MfaResetRequest {
  main_email_code: string;
  recovery_email_code: string;
}

export interface MfaRecoveryLogin {
  login: LoginResponse;
  /** Unix seconds until which the recovery code may be used once more to disable MFA (X-Expires-At). */
  expiresAt: number;
}

function randomCode(length: number): string {
  let code = '';
  // randomInt is uniform, so no character is likelier than another (no modulo bias).
  for (let index = 0; index < length; index++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

/**
 * Recovery codes are 10 random characters from 36 (about 52 bits) and live only until used, so a fast hash is
 * enough: unlike passwords they cannot be found by guessing likely values, and a salt or bcrypt would add nothing
 * but the cost of comparing against every stored hash.
 */
function hashRecoveryCode(code: string): string {
  return createHash('sha256').update(code.trim().toUpperCase()).digest('hex');
}

/** Reset codes are short, so their hash is bound to the user: one precomputed table cannot serve every user. */
function hashResetCode(userId: string, code: string): string {
  return createHash('sha256').update(`${userId}:${code.trim().toUpperCase()}`).digest('hex');
}

function sameHash(left: string, right: string): boolean {
  const a = Buffer.from(left, 'hex');
  const b = Buffer.from(right, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * TOTP second factor (RFC 6238: 6 digits, 30 s steps, SHA-1, one step of drift either way), recovery codes and the
 * e-mailed reset. Failed codes count toward the login lockout of (client address, user), so that a 6-digit code
 * cannot be brute-forced any faster than a password.
 */
@Injectable()
export class MfaService {
  private readonly secrets: SecretBox;

  constructor(
    private readonly users: UsersRepository,
    private readonly logins: LoginService,
    private readonly state: MfaStateRepository,
    private readonly queue: QueueProducer,
    private readonly clock: Clock,
    private readonly emailThrottle: EmailThrottleService,
    @Inject(PLATFORM_KEYS) keys: PlatformKeys,
  ) {
    // The secret must be readable to check codes, so it cannot be hashed: it is sealed instead.
    this.secrets = new SecretBox(keys, 'mfa-totp-secret');
  }

  /** New credentials for the caller to confirm with `enable`; nothing is stored yet. */
  async generate(userId: string): Promise<MfaCredentials> {
    const user = await this.confirmedUser(userId);
    const secret = authenticator.generateSecret(20);
    return {
      link: authenticator.keyuri(user.username, MFA_ISSUER, secret),
      secret,
      recovery_codes: Array.from({ length: RECOVERY_CODE_COUNT }, () => randomCode(RECOVERY_CODE_LENGTH)),
    };
  }

  /**
   * Turns MFA on with credentials from `generate`, once the user proves their app holds the secret. Needs a
   * recovery e-mail (the reset goes there), and never overwrites enabled credentials.
   */
  async enable(userId: string, request: MfaEnableRequest): Promise<void> {
    const user = await this.confirmedUser(userId);
    if (user.mfa?.enabled) throw AppException.forbidden('MFA is already enabled; disable it first');
    if (!user.recovery_email) {
      throw AppException.validation('a recovery e-mail is required to enable MFA', {
        fields: [{ field: 'recovery_email', problems: ['the user has no recovery e-mail'] }],
      });
    }
    if (!(await this.verifyTotp(user.id, request.secret, request.code))) {
      throw AppException.forbidden('the code does not match the secret');
    }
    await this.users.updateById(user.id, {
      $set: {
        mfa: {
          enabled: true,
          secret: this.secrets.seal(request.secret),
          recovery_codes: [...new Set(request.recovery_codes.map(hashRecoveryCode))],
        },
      },
      // Sessions begun with the password alone end: whoever holds one must now pass the second factor.
      $inc: END_EVERY_SESSION,
    });
  }

  /** Second step of a login: the X-MFA-Token of the password step and a current code. */
  async authenticate(request: MfaAuthRequest, clientAddress: string): Promise<LoginResponse> {
    const userId = await this.state.ownerOfToken(request.token);
    if (!userId) throw AppException.unauthorized('invalid or expired MFA token');
    return this.attempt(clientAddress, userId, async (ticket) => {
      const user = await this.users.findById(userId);
      if (!user?.mfa?.enabled || user.status !== 'confirmed') {
        throw AppException.unauthorized('invalid or expired MFA token');
      }
      if (!(await this.verifyTotp(user.id, this.secrets.open(user.mfa.secret), request.code))) {
        return this.refuse(ticket, this.invalidCode());
      }
      // Single use: of two requests racing with one token, only the one that removes it logs in.
      if (!(await this.state.takeToken(request.token)))
        throw AppException.unauthorized('invalid or expired MFA token');
      await ticket.succeeded();
      return this.logins.loginResponseFor(user);
    });
  }

  /**
   * Logs in with a recovery code instead of the app. The code is removed from the user, but may be used once more
   * within 10 minutes to disable MFA.
   */
  async recover(request: MfaRecoverRequest, clientAddress: string): Promise<MfaRecoveryLogin> {
    const user = await this.users.findByUsernameOrEmail(request.identifier);
    const subject = user?.id ?? `unknown:${request.identifier.toLowerCase()}`;
    return this.attempt(clientAddress, subject, async (ticket) => {
      const hash = hashRecoveryCode(request.recovery_code);
      const windowEndsAt = this.clock.now() + RECOVERY_CACHE_TTL_SECONDS * 1000;
      const stored =
        user?.status === 'confirmed' && user.mfa?.enabled && user.mfa.recovery_codes.includes(hash);
      if (!user || !stored || !(await this.state.claimRecoveryForLogin(user.id, hash, windowEndsAt))) {
        return this.refuse(ticket, this.invalidCode('invalid recovery code'));
      }
      const updated = await this.users.updateById(user.id, { $pull: { 'mfa.recovery_codes': hash } });
      await ticket.succeeded();
      return {
        login: await this.logins.loginResponseFor(updated ?? user),
        expiresAt: Math.floor(windowEndsAt / 1000),
      };
    });
  }

  /** Turns MFA off with a current code, an unused recovery code, or the one a recovery login used minutes ago. */
  async disable(userId: string, request: MfaDisableRequest, clientAddress: string): Promise<void> {
    if (!request.code && !request.recovery_code) {
      throw AppException.validation('code or recovery_code is required', {
        fields: [
          { field: 'code', problems: ['code or recovery_code is required'] },
          { field: 'recovery_code', problems: ['code or recovery_code is required'] },
        ],
      });
    }
    const user = await this.confirmedUser(userId);
    const mfa = user.mfa;
    if (!mfa?.enabled) throw AppException.validation('MFA is not enabled');
    await this.attempt(clientAddress, user.id, async (ticket) => {
      let proved = request.code ? await this.verifyTotp(user.id, this.secrets.open(mfa.secret), request.code) : false;
      if (!proved && request.recovery_code) {
        const hash = hashRecoveryCode(request.recovery_code);
        const stillStored = mfa.recovery_codes.includes(hash);
        proved = await this.state.spendRecoveryForDisable(user.id, hash, stillStored, this.clock.now());
      }
      if (!proved) return this.refuse(ticket, AppException.forbidden('invalid code'));
      await this.users.updateById(user.id, { $unset: { mfa: 1 }, $inc: END_EVERY_SESSION });
      await ticket.succeeded();
    });
  }

  /**
   * E-mails one reset code to the main address and another to the recovery address, valid one day. Unknown
   * identifiers and users without MFA are answered alike and get nothing, so the route reveals no accounts.
   */
  async requestReset(identifier: string): Promise<void> {
    const user = await this.users.findByUsernameOrEmail(identifier);
    if (!user?.mfa?.enabled || user.status !== 'confirmed' || !user.recovery_email) return;
    if (!(await this.emailThrottle.allow('mfa-reset', user.id))) return;
    const main = randomCode(RESET_CODE_LENGTH);
    const recovery = randomCode(RESET_CODE_LENGTH);
    await this.state.storeResetCodes(user.id, hashResetCode(user.id, main), hashResetCode(user.id, recovery));
    await this.queue.enqueue(QueueName.Email, EmailJobName.Send, {
      template: MFA_RESET_MAIN_EMAIL_TEMPLATE,
      to: user.email,
      // The reset step names the user (PUT /api/user/mfa/reset/{user-id}); the e-mail carries the id for it.
      variables: { code: main, user_id: user.id },
    });
    await this.queue.enqueue(QueueName.Email, EmailJobName.Send, {
      template: MFA_RESET_RECOVERY_EMAIL_TEMPLATE,
      to: user.recovery_email,
      variables: { code: recovery, user_id: user.id },
    });
  }

  /** Turns MFA off with both e-mailed codes and logs the user in. */
  async reset(userId: string, request: MfaResetRequest, clientAddress: string): Promise<LoginResponse> {
    return this.attempt(clientAddress, userId, async (ticket) => {
      const [user, codes] = await Promise.all([this.users.findById(userId), this.state.resetCodesOf(userId)]);
      const valid =
        !!user &&
        !!codes &&
        user.status === 'confirmed' &&
        !!user.mfa?.enabled &&
        // Both are compared whatever the first answers, so timing does not tell which code was wrong.
        [
          sameHash(codes.main, hashResetCode(user.id, request.main_email_code)),
          sameHash(codes.recovery, hashResetCode(user.id, request.recovery_email_code)),
        ].every(Boolean);
      if (!user || !valid) return this.refuse(ticket, this.invalidCode('invalid reset codes'));
      if (!(await this.state.takeResetCodes(user.id))) throw this.invalidCode('invalid reset codes');
      // Every other session ends; the login answered here carries the new epoch.
      const updated = await this.users.updateById(user.id, { $unset: { mfa: 1 }, $inc: END_EVERY_SESSION });
      if (!updated) throw this.invalidCode('invalid reset codes');
      await ticket.succeeded();
      return this.logins.loginResponseFor(updated);
    });
  }

  /** Checks a 6-digit code against `secret` at the clock's time and spends its time step for that secret. */
  private verifyTotp(userId: string, secret: string, code: string): Promise<boolean> {
    return verifyTotpCode(this.state, this.clock.now(), userId, secret, code);
  }

  private async confirmedUser(userId: string): Promise<UserDocument> {
    const user = await this.users.findById(userId);
    if (!user || user.status !== 'confirmed') throw AppException.unauthorized('invalid or expired token');
    return user;
  }

  /**
   * Runs one code check as a login attempt of (client address, subject): refused while locked or while another
   * check of the pair runs, so concurrent guesses are counted one at a time (`LoginLockoutService.begin`).
   */
  private async attempt<T>(clientAddress: string, subject: string, check: (ticket: LoginAttemptTicket) => Promise<T>): Promise<T> {
    const ticket = await this.logins.beginAttempt(clientAddress, subject);
    try {
      return await check(ticket);
    } finally {
      await ticket.release();
    }
  }

  /** Counts a failed code like a failed password, answering 429 once that locks the pair. */
  private async refuse(ticket: LoginAttemptTicket, error: AppException): Promise<never> {
    const lockStarts = await ticket.failed();
    if (lockStarts > 0) throw this.logins.lockedOut(lockStarts);
    throw error;
  }

  private invalidCode(message = 'invalid code'): AppException {
    return new AppException(ErrorCode.Unauthorized, message, undefined, { 'X-Account-Lockout': '0' });
  }
}
