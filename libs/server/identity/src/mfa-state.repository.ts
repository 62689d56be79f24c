import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { REDIS_KEY_PREFIX, REDIS_CONNECTION } from '@fleetgate/queue';

/** How long the X-MFA-Token of a password-checked login stays usable (ShellHub: 30 minutes). */
export const MFA_TOKEN_TTL_SECONDS = 30 * 60;
/** How long a recovery code used to log in may be used once more to disable MFA (ShellHub: 10 minutes). */
export const RECOVERY_CACHE_TTL_SECONDS = 10 * 60;
/** How long the e-mailed MFA reset codes stay valid (ShellHub: at most one day). */
export const RESET_CODES_TTL_SECONDS = 24 * 60 * 60;
/**
 * How long a used TOTP time step is remembered: the step itself plus one step of drift on either side is the
 * longest a code is accepted, so 4 steps of 30 s keeps it until no clock could accept it again.
 */
const USED_STEP_TTL_MILLISECONDS = 4 * 30_000;

/**
 * Marks a recovery code spent for the disable step. KEYS[1] = the code's state key; ARGV[1] = '1' when the code is
 * still stored on the user (unused), ARGV[2] = TTL seconds, ARGV[3] = now (ms). An unused code is claimed outright;
 * a code spent by a recovery login ('cached:<end ms>') may be spent once more before its end. The end is compared
 * with the caller's clock, not Redis's; the key's own TTL only cleans up. Returns 1 when the caller may proceed.
 */
const SPEND_FOR_DISABLE = `
if ARGV[1] == '1' and redis.call('SET', KEYS[1], 'spent', 'NX', 'EX', tonumber(ARGV[2])) then return 1 end
local state = redis.call('GET', KEYS[1])
if state and string.sub(state, 1, 7) == 'cached:' and tonumber(string.sub(state, 8)) > tonumber(ARGV[3]) then
  redis.call('SET', KEYS[1], 'spent', 'KEEPTTL')
  return 1
end
return 0
`;

/**
 * Everything MFA keeps that expires, in Redis with a TTL: login tokens, used TOTP steps, recovery-code states and
 * reset codes. Every key carries the application's Redis prefix.
 */
@Injectable()
export class MfaStateRepository {
  constructor(
    @Inject(REDIS_CONNECTION) private readonly redis: Redis,
    @Inject(REDIS_KEY_PREFIX) private readonly prefix: string,
  ) {}

  private key(...parts: string[]): string {
    return [this.prefix, ...parts.map((part) => encodeURIComponent(part))].join(':');
  }

  /** A new X-MFA-Token for a user whose password was right. */
  async issueToken(userId: string): Promise<string> {
    const token = randomUUID();
    await this.redis.set(this.key('mfa-token', token), userId, 'EX', MFA_TOKEN_TTL_SECONDS);
    return token;
  }

  /** The user an MFA token was issued to, without consuming it (a wrong code may be retried with it). */
  async ownerOfToken(token: string): Promise<string | null> {
    return this.redis.get(this.key('mfa-token', token));
  }

  /** Consumes the token; false when someone consumed it first. */
  async takeToken(token: string): Promise<boolean> {
    return (await this.redis.del(this.key('mfa-token', token))) === 1;
  }

  /**
   * Records that the user's TOTP step was used with the secret whose fingerprint is given; false when it already
   * was (a replayed code). Per secret, not per user: a new secret's first code is not the old secret's code, even
   * in the same step (a user who disables and re-enables MFA within a minute).
   */
  async markStepUsed(userId: string, secretFingerprint: string, step: number): Promise<boolean> {
    const set = await this.redis.set(
      this.key('mfa-totp-used', userId, secretFingerprint, String(step)),
      '1',
      'PX',
      USED_STEP_TTL_MILLISECONDS,
      'NX',
    );
    return set === 'OK';
  }

  /**
   * Claims an unused recovery code for a recovery login and opens its disable window (until `windowEndsAt`, ms
   * since the epoch); false when the code was
   * already claimed (two concurrent uses of one code cannot both succeed).
   */
  async claimRecoveryForLogin(userId: string, codeHash: string, windowEndsAt: number): Promise<boolean> {
    const set = await this.redis.set(
      this.key('mfa-recovery', userId, codeHash),
      `cached:${windowEndsAt}`,
      'EX',
      RECOVERY_CACHE_TTL_SECONDS,
      'NX',
    );
    return set === 'OK';
  }

  /** Spends a recovery code for the disable step: an unused one, or one used by a recovery login in its window. */
  async spendRecoveryForDisable(
    userId: string,
    codeHash: string,
    stillStored: boolean,
    now: number,
  ): Promise<boolean> {
    const result = await this.redis.eval(
      SPEND_FOR_DISABLE,
      1,
      this.key('mfa-recovery', userId, codeHash),
      stillStored ? '1' : '0',
      String(RECOVERY_CACHE_TTL_SECONDS),
      String(now),
    );
    return Number(result) === 1;
  }

  /** Stores the hashes of a fresh pair of reset codes, replacing any earlier pair. */
  async storeResetCodes(userId: string, mainHash: string, recoveryHash: string): Promise<void> {
    const key = this.key('mfa-reset', userId);
    await this.redis
      .multi()
      .hset(key, { main: mainHash, recovery: recoveryHash })
      .expire(key, RESET_CODES_TTL_SECONDS)
      .exec();
  }

  async resetCodesOf(userId: string): Promise<{ main: string; recovery: string } | null> {
    const stored = await this.redis.hgetall(this.key('mfa-reset', userId));
    return stored['main'] && stored['recovery']
      ? { main: stored['main'], recovery: stored['recovery'] }
      : null;
  }

  /** Removes the reset codes; false when another request removed them first. */
  async takeResetCodes(userId: string): Promise<boolean> {
    return (await this.redis.del(this.key('mfa-reset', userId))) === 1;
  }
}
