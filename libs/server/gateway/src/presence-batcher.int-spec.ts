import { type DeviceDocument, DevicePresenceRepository, tenantScope } from '@fleetgate/data-access';
import { createTestContext, persist, type TestContext } from '@fleetgate/testing';
import type { Model } from 'mongoose';
import { PresenceBatcher } from './presence-batcher';

describe('PresenceBatcher against the real database', () => {
  let context: TestContext;
  let model: Model<DeviceDocument>;
  const scope = tenantScope('cccccccc-0000-4000-8000-000000000003');

  beforeAll(async () => {
    context = await createTestContext(__filename);
    model = context.models.devices;
  });
  afterAll(() => context.close());

  it('writes many heartbeats as one bulk write per flush, and online/offline at once', async () => {
    const devices = await Promise.all([1, 2, 3].map(() => persist.device(context.connection, { tenant_id: scope.tenantId })));
    const repository = new DevicePresenceRepository(model);
    const writes: number[] = [];
    const original = repository.apply.bind(repository);
    repository.apply = async (updates) => {
      writes.push(updates.length);
      return original(updates);
    };
    const batcher = new PresenceBatcher(repository, 60_000, (error) => {
      throw error;
    });

    batcher.online(scope, devices[0].uid);
    await batcher.flush();
    expect((await model.findOne({ uid: devices[0].uid }).lean())?.online).toBe(true);

    for (let beat = 0; beat < 10; beat++) for (const device of devices) batcher.seen(scope, device.uid);
    await batcher.flush();
    expect(writes).toEqual([1, 3]);
    const seen = await model.find({ tenant_id: scope.tenantId }).lean();
    expect(seen.every((device) => device.last_seen.getTime() > Date.now() - 5_000)).toBe(true);
    expect(seen.find((device) => device.uid === devices[0].uid)?.online).toBe(true);

    batcher.offline(scope, devices[0].uid);
    await batcher.stop();
    expect((await model.findOne({ uid: devices[0].uid }).lean())?.online).toBe(false);
  });

  it('never touches another tenant’s device with the same uid', async () => {
    const other = tenantScope('dddddddd-0000-4000-8000-000000000004');
    const mine = await persist.device(context.connection, { tenant_id: scope.tenantId });
    await persist.device(context.connection, { tenant_id: other.tenantId, uid: mine.uid, name: 'twin' });
    const batcher = new PresenceBatcher(new DevicePresenceRepository(model), 60_000, () => undefined);
    batcher.online(scope, mine.uid);
    await batcher.stop();
    expect((await model.findOne({ tenant_id: other.tenantId, uid: mine.uid }).lean())?.online).toBe(false);
  });
});
