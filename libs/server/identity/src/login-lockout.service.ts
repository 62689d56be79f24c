import { type DynamicModule, Inject, Injectable, Module } from '@nestjs/common';
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
