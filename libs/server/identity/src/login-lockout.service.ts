import { type DynamicModule, Inject, Injectable, Module } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { REDIS_CONNECTION, REDIS_KEY_PREFIX } from '@fleetgate/queue';
import { Clock } from './clock';

export const LOGIN_LOCKOUT_OPTIONS = Symbol('LOGIN_LOCKOUT_OPTIONS');

export interface LoginLockoutOptions {
  /** Longest lockout in minutes; 0 or less turns lockouts off (ShellHub's MAXIMUM_ACCOUNT_LOCKOUT). */
  maxMinutes: number;
}

/**
 * Records one failed login atomically (concurrent guesses cannot lose increments) and answers the lockout end.
 * ShellHub's rule (reference §3.5): attempt n, t = min(4^(n-3), MAX) minutes; the counter lives
 * max(min(2.5·t, MAX), 2) minutes; from the 3rd attempt on the pair is locked for t minutes.
 * Times come from the caller's clock, not Redis's, so stored expiries are compared in the script; the key's own
 * Redis TTL only cleans up. KEYS[1] = state hash; ARGV = now (ms), MAX (minutes). Returns the lock end (ms) or 0.
 */
const RECORD_FAILURE = `
local now = tonumber(ARGV[1])
local max = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'attempts', 'attempts_until', 'locked_until')
local attempts = 0
if state[2] and tonumber(state[2]) > now then attempts = tonumber(state[1]) or 0 end
attempts = attempts + 1
local minutes = 0
if attempts >= 3 then minutes = math.floor(math.min(4 ^ (attempts - 3), max)) end
local counter_minutes = math.max(math.min(math.floor(2.5 * minutes), max), 2)
local locked_until = tonumber(state[3]) or 0
if minutes > 0 then locked_until = now + minutes * 60000 end
local attempts_until = now + counter_minutes * 60000
redis.call('HSET', KEYS[1], 'attempts', attempts, 'attempts_until', attempts_until, 'locked_until', locked_until)
redis.call('PEXPIRE', KEYS[1], math.max(attempts_until, locked_until) - now)
if locked_until > now then return locked_until end
return 0
`;

/**
 * Takes the one in-flight slot of a pair unless it is locked. KEYS[1] = state hash, KEYS[2] = in-flight key;
 * ARGV = now (ms), ticket, slot lifetime (ms). Returns {'granted', 0}, {'locked', lock end} or {'busy', ms left}.
 */
const BEGIN_ATTEMPT = `
local now = tonumber(ARGV[1])
local locked_until = tonumber(redis.call('HGET', KEYS[1], 'locked_until') or '0') or 0
if locked_until > now then return {'locked', locked_until} end
if redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', tonumber(ARGV[3])) then return {'granted', 0} end
return {'busy', redis.call('PTTL', KEYS[2])}
`;

/** Frees the slot if this ticket still holds it. KEYS[2] = in-flight key; ARGV[3] = ticket (ARGV[1..2] unused). */
const RELEASE = `
if redis.call('GET', KEYS[2]) == ARGV[3] then redis.call('DEL', KEYS[2]) end
return 0
`;

/** A failure settles the attempt: counted (as RECORD_FAILURE) and the slot freed in the same step. */
const SETTLE_FAILURE = RECORD_FAILURE.replace(
  'if locked_until > now then return locked_until end',
  "if redis.call('GET', KEYS[2]) == ARGV[3] then redis.call('DEL', KEYS[2]) end\nif locked_until > now then return locked_until end",
);

/** A success forgets the pair's failures and frees the slot. */
const SETTLE_SUCCESS = `
redis.call('DEL', KEYS[1])
if redis.call('GET', KEYS[2]) == ARGV[3] then redis.call('DEL', KEYS[2]) end
return 0
`;

/**
 * How long a slot outlives a process that died while holding it. Longer than any attempt takes: a gateway password
 * attempt waits for the device's pickup and inner handshake, 40 s at most.
 */
const SLOT_LIFETIME_MS = 60_000;

/** One granted login attempt: settle it exactly once, as a failure, a success, or neither (`release`). */
export interface LoginAttemptTicket {
  /** Counts the failure and frees the slot; answers the end of the lockout it starts (ms since the epoch), or 0. */
  failed(): Promise<number>;
  /** Forgets the pair's failures and frees the slot. */
  succeeded(): Promise<void>;
  /** Frees the slot without counting anything (the credential was not checked, or proved only a first factor). */
  release(): Promise<void>;
}

/**
 * Whether a login attempt may check its credential now. `busy`: another attempt of the same pair is being checked;
 * `retryAt` is when to try again (ms since the epoch).
 */
export type LoginAttemptGate =
  | { granted: true; ticket: LoginAttemptTicket }
  | { granted: false; reason: 'locked' | 'busy'; retryAt: number };

const NO_OP_TICKET: LoginAttemptTicket = {
  failed: async () => 0,
  succeeded: async () => undefined,
  release: async () => undefined,
};

/**
 * Login lockout per (client address, subject), kept in Redis so that it survives API restarts and is shared by
 * every API instance. The subject is the user id, or the lower-cased identifier when no such user exists, so that
 * unknown and known usernames lock alike and a 429 reveals nothing about which accounts exist.
 */
@Injectable()
export class LoginLockoutService {
  constructor(
    @Inject(REDIS_CONNECTION) private readonly redis: Redis,
    @Inject(REDIS_KEY_PREFIX) private readonly prefix: string,
    @Inject(LOGIN_LOCKOUT_OPTIONS) private readonly options: LoginLockoutOptions,
    private readonly clock: Clock,
  ) {}

  private get enabled(): boolean {
    return this.options.maxMinutes > 0;
  }

  private keyOf(clientAddress: string, subject: string): string {
    return `${this.prefix}:login-lockout:${encodeURIComponent(clientAddress)}:${encodeURIComponent(subject)}`;
  }

  private slotKeyOf(clientAddress: string, subject: string): string {
    return `${this.prefix}:login-attempt:${encodeURIComponent(clientAddress)}:${encodeURIComponent(subject)}`;
  }

  /**
   * Starts one attempt of the pair: refused while the pair is locked, and while another attempt of the same pair is
   * still being checked. Checking the lock and taking the slot is one atomic step, and the slot is held until the
   * attempt is settled, so concurrent guesses are checked one at a time and each failure counts before the next
   * guess is looked at (a burst cannot slip past the lock while a slow hash runs).
   */
  async begin(clientAddress: string, subject: string): Promise<LoginAttemptGate> {
    if (!this.enabled) return { granted: true, ticket: NO_OP_TICKET };
    const keys = [this.keyOf(clientAddress, subject), this.slotKeyOf(clientAddress, subject)] as const;
    const ticket = randomBytes(12).toString('hex');
    const now = this.clock.now();
    const [outcome, value] = (await this.redis.eval(
      BEGIN_ATTEMPT,
      2,
      ...keys,
      String(now),
      ticket,
      String(SLOT_LIFETIME_MS),
    )) as [string, number];
    if (outcome === 'locked') return { granted: false, reason: 'locked', retryAt: Number(value) };
    // The other attempt ends within a hash (or a device's answer); a second is a fair time to come back.
    if (outcome === 'busy') return { granted: false, reason: 'busy', retryAt: now + 1000 };
    let settled = false;
    const settle = async (script: string): Promise<number> => {
      if (settled) return 0;
      settled = true;
      const result = await this.redis.eval(script, 2, ...keys, String(this.clock.now()), String(this.options.maxMinutes), ticket);
      return Number(result) || 0;
    };
    return {
      granted: true,
      ticket: {
        failed: () => settle(SETTLE_FAILURE),
        succeeded: async () => void (await settle(SETTLE_SUCCESS)),
        release: async () => void (await settle(RELEASE)),
      },
    };
  }

  /** When the current lockout of the pair ends (ms since the epoch), or 0 when it is not locked. */
  async lockedUntil(clientAddress: string, subject: string): Promise<number> {
    if (!this.enabled) return 0;
    const end = Number(await this.redis.hget(this.keyOf(clientAddress, subject), 'locked_until')) || 0;
    return end > this.clock.now() ? end : 0;
  }

  /** Counts a failed attempt; answers the end of the lockout it starts (ms since the epoch), or 0. */
  async recordFailure(clientAddress: string, subject: string): Promise<number> {
    if (!this.enabled) return 0;
    const result = await this.redis.eval(
      RECORD_FAILURE,
      1,
      this.keyOf(clientAddress, subject),
      String(this.clock.now()),
      String(this.options.maxMinutes),
    );
    return Number(result) || 0;
  }

  /** A successful login forgets the pair's failures. */
  async reset(clientAddress: string, subject: string): Promise<void> {
    if (!this.enabled) return;
    await this.redis.del(this.keyOf(clientAddress, subject));
  }
}

/** Provides the lockout service and the clock; global, because `LoginService` in `IdentityModule` needs them. */
@Module({})
export class LoginLockoutModule {
  static forRoot(options: LoginLockoutOptions): DynamicModule {
    return {
      module: LoginLockoutModule,
      global: true,
      providers: [Clock, { provide: LOGIN_LOCKOUT_OPTIONS, useValue: options }, LoginLockoutService],
      exports: [Clock, LoginLockoutService],
    };
  }
}
