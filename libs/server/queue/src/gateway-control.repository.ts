import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS_CONNECTION, REDIS_KEY_PREFIX } from './redis-tokens';

/**
 * Counts one failed authentication of a client address and blocks it once it reaches the limit. Times come from the
 * caller's clock (so tests can move it), and the key's Redis TTL only cleans up. KEYS[1] = the address's hash;
 * ARGV = now (ms), limit, duration (ms). Returns the end of the block it starts (ms since the epoch), or 0.
 */
const RECORD_FAILURE = `
local now = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local duration = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'failures', 'window_until', 'blocked_until')
local failures = 0
if state[2] and tonumber(state[2]) > now then failures = tonumber(state[1]) or 0 end
failures = failures + 1
local blocked_until = tonumber(state[3]) or 0
if failures >= limit then
  blocked_until = now + duration
  failures = 0
end
local window_until = now + duration
redis.call('HSET', KEYS[1], 'failures', failures, 'window_until', window_until, 'blocked_until', blocked_until)
redis.call('PEXPIRE', KEYS[1], math.max(window_until, blocked_until) - now + 1000)
if blocked_until > now then return blocked_until end
return 0
`;

/**
 * What every gateway process shares through Redis: client addresses blocked after too many failed authentications
 * (so a block seen by one gateway holds on all of them), and the signal that the gateway settings changed.
 */
@Injectable()
export class GatewayControlRepository {
  constructor(
    @Inject(REDIS_CONNECTION) private readonly redis: Redis,
    @Inject(REDIS_KEY_PREFIX) private readonly prefix: string,
  ) {}

  private blockKey(clientAddress: string): string {
    return `${this.prefix}:gateway-auto-block:${encodeURIComponent(clientAddress)}`;
  }

  /** The channel gateways listen on for settings changes. */
  get settingsChannel(): string {
    return `${this.prefix}:gateway-settings-changed`;
  }

  /** Counts a failed authentication; answers when the block it starts ends (ms since the epoch), or 0. */
  async recordFailure(clientAddress: string, limit: number, durationMs: number, now: number): Promise<number> {
    const result = await this.redis.eval(RECORD_FAILURE, 1, this.blockKey(clientAddress), String(now), String(limit), String(durationMs));
    return Number(result) || 0;
  }

  /** When the address's block ends (ms since the epoch), or 0 when it is not blocked at `now`. */
  async blockedUntil(clientAddress: string, now: number): Promise<number> {
    const end = Number(await this.redis.hget(this.blockKey(clientAddress), 'blocked_until')) || 0;
    return end > now ? end : 0;
  }

  /** Tells every gateway to reload its settings; answers how many heard it. */
  async announceSettingsChange(): Promise<number> {
    return this.redis.publish(this.settingsChannel, String(Date.now()));
  }

  /**
   * Calls `onChange` whenever the settings change, on a connection of its own (a subscribed Redis connection can run
   * no other command). Resolves once subscribed; call the returned function to stop.
   */
  async subscribeToSettings(onChange: () => void): Promise<() => void> {
    const subscriber = this.redis.duplicate();
    subscriber.on('error', () => undefined);
    subscriber.on('message', () => onChange());
    await subscriber.subscribe(this.settingsChannel);
    return () => subscriber.disconnect();
  }
}
