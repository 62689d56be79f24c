import {
  type DeviceDocument,
  DevicePresenceRepository,
  type DevicePresenceStore,
  insertManyInChunks,
  tenantScope,
} from '@fleetgate/data-access';
import { createTestContext, factory, persist, presenceStore, type TestContext } from '@fleetgate/testing';
import type { Model } from 'mongoose';
import { PresenceBatcher, type PresenceSettings } from './presence-batcher';

const failOnError = (error: unknown) => {
  throw error;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PresenceBatcher against the real Redis and database', () => {
  let context: TestContext;
  let model: Model<DeviceDocument>;
  let store: DevicePresenceStore;
  let repository: DevicePresenceRepository;
  const scope = tenantScope('cccccccc-0000-4000-8000-000000000003');
  const settings: PresenceSettings = { expirySeconds: 30, refreshSeconds: 10, lastSeenSeconds: 60, flushMs: 50 };
  const batchers: PresenceBatcher[] = [];
  const newBatcher = (overrides: Partial<PresenceSettings> = {}) => {
    const batcher = new PresenceBatcher(store, repository, { ...settings, ...overrides }, failOnError);
    batchers.push(batcher);
    return batcher;
  };

  /** Runs another client's queries while `work` runs; each must be answered within 10 s. Returns how many were. */
  const answeredWhile = async (work: Promise<void>): Promise<number> => {
    let working = true;
    let answered = 0;
    const probing = (async () => {
      do {
        const started = Date.now();
        await model.findOne({ tenant_id: 'nobody' }).lean();
        expect(Date.now() - started).toBeLessThan(10_000);
        answered++;
        await sleep(20);
      } while (working);
    })();
    await work.finally(() => (working = false));
    await probing;
    return answered;
  };

  beforeAll(async () => {
    context = await createTestContext(__filename);
    model = context.models.devices;
    store = presenceStore(context);
    repository = new DevicePresenceRepository(model);
  });
  afterAll(async () => {
    for (const batcher of batchers) await batcher.stop(1_000);
    await context.close();
  });

  it('puts 5,000 devices online in one flush of a few Redis commands, and the database keeps answering meanwhile', async () => {
    const tenant = tenantScope('cccccccc-0000-4000-8000-000000005000');
    const uids = Array.from({ length: 5_000 }, (_, index) => `fleet-${index}`);
    const batcher = newBatcher();
    for (const uid of uids) batcher.online(tenant, uid);
    const answered = answeredWhile(batcher.flush());
    expect(await answered).toBeGreaterThan(0);
    expect(await store.countOnline(tenant.tenantId)).toBe(5_000);
    // One ZADD and one HSET per 500 devices, and the keys' expiry: a handful of commands, not 5,000.
    expect(batcher.stats.redisCommands).toBeLessThan(30);
    for (const uid of uids) batcher.offline(tenant, uid);
    await batcher.flush();
    expect(await store.countOnline(tenant.tenantId)).toBe(0);
  });

  it('writes last_seen as one updateMany per 100 devices, never one statement per device, while the database keeps answering', async () => {
    const tenant = tenantScope('cccccccc-0000-4000-8000-000000000600');
    const devices = Array.from({ length: 600 }, (_, index) => factory.device({ tenant_id: tenant.tenantId, name: `seen-${index}` }));
    await insertManyInChunks(model, devices);
    const batcher = newBatcher();
    for (const device of devices) batcher.online(tenant, device.uid);
    await batcher.flush();
    const before = new Date(Date.now() - 1);
    expect(await answeredWhile(batcher.writeLastSeen())).toBeGreaterThan(0);
    expect(batcher.stats.lastSeenCommands).toBe(6);
    expect(await model.countDocuments({ tenant_id: tenant.tenantId, last_seen: { $gte: before } })).toBe(600);
    for (const device of devices) batcher.offline(tenant, device.uid);
    await batcher.flush();
  }, 120_000);

  it('lets a killed gateway’s devices go offline by themselves once their expiry passes, while a live one refreshes its own', async () => {
    const live = newBatcher({ expirySeconds: 2, refreshSeconds: 0.5 });
    const killed = newBatcher({ expirySeconds: 2, refreshSeconds: 0.5 });
    live.start();
    // `killed` never starts its refresh timer: like a process that died after writing its devices online.
    live.online(scope, 'live-1');
    live.online(scope, 'live-2');
    killed.online(scope, 'killed-1');
    await Promise.all([live.flush(), killed.flush()]);
    expect(await store.countOnline(scope.tenantId)).toBe(3);

    await sleep(3_000);
    expect(await store.countOnline(scope.tenantId)).toBe(2);
    expect([...(await store.onlineUntil(scope.tenantId, ['live-1', 'live-2', 'killed-1'])).keys()].sort()).toEqual(['live-1', 'live-2']);
    await live.stop();
    expect(await store.countOnline(scope.tenantId)).toBe(0);
  });

  it('marks a device offline only from the gateway that still holds it', async () => {
    const first = newBatcher();
    const second = newBatcher();
    first.online(scope, 'moving');
    await first.flush();
    // The agent reconnected through another gateway before the first noticed its old tunnel was dead.
    second.online(scope, 'moving');
    await second.flush();
    first.offline(scope, 'moving');
    await first.flush();
    expect((await store.onlineUntil(scope.tenantId, ['moving'])).has('moving')).toBe(true);
    second.offline(scope, 'moving');
    await second.flush();
    expect((await store.onlineUntil(scope.tenantId, ['moving'])).has('moving')).toBe(false);
  });

  it('writes nothing for pings and pongs: presence is refreshed per tick, not per liveness signal', async () => {
    const batcher = newBatcher();
    batcher.online(scope, 'chatty');
    await batcher.flush();
    const written = batcher.stats.redisCommands;
    for (let beat = 0; beat < 1_000; beat++) batcher.seen(scope, 'chatty');
    await batcher.flush();
    expect(batcher.stats.redisCommands).toBe(written);
    await batcher.refresh();
    expect(batcher.stats.redisCommands).toBeGreaterThan(written);
    batcher.offline(scope, 'chatty');
    await batcher.flush();
  });

  it('never touches another tenant’s device with the same uid', async () => {
    const other = tenantScope('dddddddd-0000-4000-8000-000000000004');
    const mine = await persist.device(context.connection, { tenant_id: scope.tenantId });
    await persist.device(context.connection, { tenant_id: other.tenantId, uid: mine.uid, name: 'twin' });
    const batcher = newBatcher();
    batcher.online(scope, mine.uid);
    await batcher.flush();
    await batcher.writeLastSeen();
    expect((await store.onlineUntil(other.tenantId, [mine.uid])).size).toBe(0);
    expect((await model.findOne({ tenant_id: other.tenantId, uid: mine.uid }).lean())?.last_seen.getTime()).toBe(0);
    expect((await model.findOne({ tenant_id: scope.tenantId, uid: mine.uid }).lean())?.last_seen.getTime()).toBeGreaterThan(0);
    await batcher.stop();
  });
});
