import IORedis, { type Redis } from 'ioredis';

/**
 * A Redis connection fit for BullMQ: it retries forever instead of failing commands while Redis restarts
 * (BullMQ requires maxRetriesPerRequest: null). Redis must run with maxmemory-policy noeviction,
 * or queued jobs can silently vanish under memory pressure.
 */
export function createRedisConnection(url: string, connectionName: string): Redis {
  return new IORedis(url, {
    maxRetriesPerRequest: null,
    connectionName,
    lazyConnect: false,
  });
}
