import type { ChainableCommander, Redis } from 'ioredis';
import { chunked } from '../batching/write-batches';

/** A device whose tunnel a gateway holds. */
export interface PresenceEntry {
  tenantId: string;
  uid: string;
}

/** Commands per Redis pipeline: large batches go out in several round trips instead of one huge buffer. */
const COMMANDS_PER_PIPELINE = 1_000;
/** Members per ZADD/HSET/ZMSCORE command. */
const MEMBERS_PER_COMMAND = 500;

/**
 * Releases a device only if this gateway still holds it: an agent that moved to another gateway must not be
 * marked offline when its old, dead tunnel is finally noticed. KEYS: online set, holder hash; ARGV: uid, holder.
 */
const RELEASE_IF_HELD = `
if redis.call('HGET', KEYS[2], ARGV[1]) == ARGV[2] then
  redis.call('ZREM', KEYS[1], ARGV[1])
  redis.call('HDEL', KEYS[2], ARGV[1])
  return 1
end
return 0`;

/**
 * Which devices are online, in Redis, where expiring state belongs (docs/architecture.md).
 *
 * Per tenant, a sorted set `<prefix>:presence:online:<tenant>` holds each connected device's uid scored by the
 * time (epoch ms) its presence expires, and a hash `<prefix>:presence:holder:<tenant>` says which gateway process
 * holds its tunnel. Gateways refresh the expiry of the devices they hold on a timer driven by tunnel liveness; a
 * gateway that dies stops refreshing, so its devices go offline by themselves when the expiry passes. A device is
 * online while its score lies in the future; readers never need to know the expiry setting.
 */
export class DevicePresenceStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** Marks devices online as held by `holder` until `expiresAt` (epoch ms). Returns the Redis commands sent. */
  async markOnline(entries: readonly PresenceEntry[], holder: string, expiresAt: number): Promise<number> {
    return this.write(entries, expiresAt, (pipeline, tenantId, uids) => {
      pipeline.hset(this.holderKey(tenantId), ...uids.flatMap((uid) => [uid, holder]));
      return 1;
    });
  }

  /** Pushes the expiry of devices this gateway holds (its liveness tick). Returns the Redis commands sent. */
  async refresh(entries: readonly PresenceEntry[], expiresAt: number): Promise<number> {
    return this.write(entries, expiresAt, () => 0);
  }

  /** Marks devices offline, each only if `holder` still holds it. Returns the Redis commands sent. */
  async markOffline(entries: readonly PresenceEntry[], holder: string): Promise<number> {
    let commands = 0;
    for (const chunk of chunked(entries, COMMANDS_PER_PIPELINE)) {
      const pipeline = this.redis.pipeline();
      for (const entry of chunk) {
        pipeline.eval(RELEASE_IF_HELD, 2, this.onlineKey(entry.tenantId), this.holderKey(entry.tenantId), entry.uid, holder);
      }
      await execute(pipeline);
      commands += chunk.length;
    }
    return commands;
  }

  /**
   * Marks one device offline whoever holds it (`PUT /api/devices/{uid}/offline`, from the device or an internal
   * service). A gateway that still holds its tunnel puts it back at its next refresh, so a false report heals itself.
   */
  async dropDevice(tenantId: string, uid: string): Promise<void> {
    await execute(this.redis.pipeline().zrem(this.onlineKey(tenantId), uid).hdel(this.holderKey(tenantId), uid));
  }

  /** For each uid, when its presence expires (epoch ms), or nothing when it is offline: one pipelined read. */
  async onlineUntil(tenantId: string, uids: readonly string[], now = Date.now()): Promise<Map<string, number>> {
    const online = new Map<string, number>();
    if (uids.length === 0) return online;
    const chunks = chunked(uids, MEMBERS_PER_COMMAND);
    const pipeline = this.redis.pipeline();
    for (const chunk of chunks) pipeline.zmscore(this.onlineKey(tenantId), ...chunk);
    const results = await execute(pipeline);
    chunks.forEach((chunk, index) => {
      const scores = results[index] as (string | null)[];
      chunk.forEach((uid, position) => {
        const expiresAt = scores[position] === null ? NaN : Number(scores[position]);
        if (expiresAt > now) online.set(uid, expiresAt);
      });
    });
    return online;
  }

  /**
   * The gateway process holding the device's tunnel while its presence is live, else null: a holder that died
   * stops refreshing, so its registration lapses with the presence expiry (docs/adr/0011-gateway-processes.md).
   */
  async holderOf(tenantId: string, uid: string, now = Date.now()): Promise<string | null> {
    const [score, holder] = await execute(
      this.redis.pipeline().zscore(this.onlineKey(tenantId), uid).hget(this.holderKey(tenantId), uid),
    );
    const expiresAt = score === null ? NaN : Number(score);
    return expiresAt > now && typeof holder === 'string' ? holder : null;
  }

  /** How many of the tenant's devices are online; drops expired members on the way. */
  async countOnline(tenantId: string, now = Date.now()): Promise<number> {
    const key = this.onlineKey(tenantId);
    const [, count] = await execute(this.redis.pipeline().zremrangebyscore(key, '-inf', now).zcount(key, `(${now}`, '+inf'));
    return Number(count);
  }

  /** Every online uid of the tenant (for the list filter's `online` property). */
  async onlineUids(tenantId: string, now = Date.now()): Promise<string[]> {
    return this.redis.zrangebyscore(this.onlineKey(tenantId), `(${now}`, '+inf');
  }

  private async write(
    entries: readonly PresenceEntry[],
    expiresAt: number,
    extra: (pipeline: ChainableCommander, tenantId: string, uids: string[]) => number,
  ): Promise<number> {
    let commands = 0;
    let pipeline = this.redis.pipeline();
    let queued = 0;
    for (const [tenantId, uids] of byTenant(entries)) {
      for (const chunk of chunked(uids, MEMBERS_PER_COMMAND)) {
        pipeline.zadd(this.onlineKey(tenantId), ...chunk.flatMap((uid) => [expiresAt, uid]));
        queued += 1 + extra(pipeline, tenantId, chunk);
      }
      // The keys themselves expire too, so a tenant whose gateways all died leaves nothing behind.
      pipeline.pexpireat(this.onlineKey(tenantId), expiresAt, 'GT');
      pipeline.pexpireat(this.holderKey(tenantId), expiresAt, 'GT');
      pipeline.pexpireat(this.onlineKey(tenantId), expiresAt, 'NX');
      pipeline.pexpireat(this.holderKey(tenantId), expiresAt, 'NX');
      queued += 4;
      if (queued >= COMMANDS_PER_PIPELINE) {
        await execute(pipeline);
        commands += queued;
        pipeline = this.redis.pipeline();
        queued = 0;
      }
    }
    if (queued > 0) await execute(pipeline);
    return commands + queued;
  }

  private onlineKey(tenantId: string): string {
    return `${this.prefix}:presence:online:${tenantId}`;
  }

  private holderKey(tenantId: string): string {
    return `${this.prefix}:presence:holder:${tenantId}`;
  }
}

function byTenant(entries: readonly PresenceEntry[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const entry of entries) {
    const uids = groups.get(entry.tenantId);
    if (uids) uids.push(entry.uid);
    else groups.set(entry.tenantId, [entry.uid]);
  }
  return groups;
}

/** Runs a pipeline and fails on the first command that failed (ioredis reports errors per command). */
async function execute(pipeline: ChainableCommander): Promise<unknown[]> {
  const results = (await pipeline.exec()) ?? [];
  return results.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}
