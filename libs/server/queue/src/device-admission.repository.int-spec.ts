import { randomBytes, randomUUID } from 'node:crypto';
import IORedis, { type Redis } from 'ioredis';
import { loadTestServices } from '@fleetgate/config';
import { workspaceRoot } from '@fleetgate/testing';
import { DeviceAdmissionRepository, type TunnelRevocation } from './device-admission.repository';

// Redis only: this file needs no database, so it does not take a test context's database.
describe('DeviceAdmissionRepository on the real Redis', () => {
  let redis: Redis;
  let prefix: string;
  let admission: DeviceAdmissionRepository;

  beforeAll(() => {
    redis = new IORedis(loadTestServices(workspaceRoot()).redisUrl, { maxRetriesPerRequest: null });
    prefix = `test:admission_${randomBytes(4).toString('hex')}`;
    admission = new DeviceAdmissionRepository(redis, prefix);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('has no answer for a device it never heard of, so the gateway asks the database', async () => {
    expect(await admission.lookup(randomUUID(), 'a'.repeat(64))).toEqual({ tenantDeleted: false, state: null });
  });

  it('never lets a gateway’s remembered read overwrite a state the API recorded', async () => {
    const tenantId = randomUUID();
    await admission.record(tenantId, 'device-1', 'rejected');
    await admission.remember(tenantId, 'device-1', 'accepted');
    expect((await admission.lookup(tenantId, 'device-1')).state).toBe('rejected');

    await admission.forget(tenantId, 'device-1');
    await admission.remember(tenantId, 'device-1', 'accepted');
    expect((await admission.lookup(tenantId, 'device-1')).state).toBe('accepted');
    // States are per tenant: the same uid elsewhere is another device.
    expect((await admission.lookup(randomUUID(), 'device-1')).state).toBeNull();
    expect(await redis.ttl(`${prefix}:device-admission:${tenantId}:device-1`)).toBeGreaterThan(0);
  });

  it('marks a deleted tenant for every device of it', async () => {
    const tenantId = randomUUID();
    await admission.markTenantDeleted(tenantId);
    expect(await admission.lookup(tenantId, 'any-device')).toEqual({ tenantDeleted: true, state: null });
  });

  it('delivers revocations to subscribers and ignores malformed messages', async () => {
    const received: TunnelRevocation[] = [];
    const stop = await admission.subscribe((revocation) => received.push(revocation));
    try {
      await redis.publish(admission.revocationChannel, 'not json');
      await redis.publish(admission.revocationChannel, JSON.stringify({ uid: 'no tenant' }));
      expect(await admission.revoke({ tenantId: 't-1', uid: 'd-1', reason: 'device rejected' })).toBe(1);
      for (let waited = 0; received.length === 0 && waited < 5_000; waited += 20) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(received).toEqual([{ tenantId: 't-1', uid: 'd-1', reason: 'device rejected' }]);
    } finally {
      stop();
    }
  });
});
