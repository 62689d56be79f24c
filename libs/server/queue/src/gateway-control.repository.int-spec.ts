import { randomBytes } from 'node:crypto';
import IORedis, { type Redis } from 'ioredis';
import { loadTestServices } from '@fleetgate/config';
import { workspaceRoot } from '@fleetgate/testing';
import { GatewayControlRepository } from './gateway-control.repository';

// Redis only: this file needs no database, so it does not take a test context's database.
describe('GatewayControlRepository on the real Redis', () => {
  let redis: Redis;
  let prefix: string;
  let control: GatewayControlRepository;
  const minute = 60_000;

  beforeAll(() => {
    redis = new IORedis(loadTestServices(workspaceRoot()).redisUrl, { maxRetriesPerRequest: null });
    prefix = `test:gateway-control_${randomBytes(4).toString('hex')}`;
    control = new GatewayControlRepository(redis, prefix);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('blocks an address at the Nth failure within the duration, until the duration has passed on the caller’s clock', async () => {
    const now = Date.now();
    expect(await control.recordFailure('192.0.2.1', 3, 10 * minute, now)).toBe(0);
    expect(await control.recordFailure('192.0.2.1', 3, 10 * minute, now + 1_000)).toBe(0);
    expect(await control.blockedUntil('192.0.2.1', now + 1_000)).toBe(0);
    expect(await control.recordFailure('192.0.2.1', 3, 10 * minute, now + 2_000)).toBe(now + 2_000 + 10 * minute);
    expect(await control.blockedUntil('192.0.2.1', now + 5 * minute)).toBe(now + 2_000 + 10 * minute);
    expect(await control.blockedUntil('192.0.2.1', now + 2_000 + 10 * minute + 1)).toBe(0);
    // Another address is not affected.
    expect(await control.blockedUntil('192.0.2.2', now)).toBe(0);
  });

  it('forgets failures older than the duration', async () => {
    const now = Date.now();
    await control.recordFailure('192.0.2.3', 2, minute, now);
    expect(await control.recordFailure('192.0.2.3', 2, minute, now + 2 * minute)).toBe(0);
    expect(await control.recordFailure('192.0.2.3', 2, minute, now + 2 * minute + 1)).toBeGreaterThan(0);
  });

  it('tells every subscriber that the settings changed', async () => {
    const heard: number[] = [];
    const stopFirst = await control.subscribeToSettings(() => heard.push(1));
    const stopSecond = await control.subscribeToSettings(() => heard.push(2));
    try {
      expect(await control.announceSettingsChange()).toBe(2);
      for (let waited = 0; heard.length < 2 && waited < 50; waited++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(heard.sort()).toEqual([1, 2]);
    } finally {
      stopFirst();
      stopSecond();
    }
  });
});
