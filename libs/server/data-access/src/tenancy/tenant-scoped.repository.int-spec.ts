import { Test } from '@nestjs/testing';
import { getModelToken } from '@nestjs/mongoose';
import { createTestContext, factory, persist, type TestContext } from '@fleetgate/testing';
import { DEVICE_MODEL } from '../schemas/device.schema';
import { DevicesRepository } from '../repositories/devices.repository';
import { tenantScope } from './tenant-scope';

describe('TenantScopedRepository against the real database', () => {
  let context: TestContext;
  let devices: DevicesRepository;
  const tenantA = tenantScope('aaaaaaaa-0000-4000-8000-000000000001');
  const tenantB = tenantScope('bbbbbbbb-0000-4000-8000-000000000002');

  beforeAll(async () => {
    context = await createTestContext(__filename);
    const module = await Test.createTestingModule({
      providers: [
        DevicesRepository,
        { provide: getModelToken(DEVICE_MODEL), useValue: context.models.devices },
      ],
    }).compile();
    devices = module.get(DevicesRepository);
  });

  afterAll(() => context.close());

  it('never reads another tenant’s document', async () => {
    const owned = await persist.device(context.connection, { tenant_id: tenantA.tenantId, name: 'kitchen-pi' });

    expect(await devices.findOne(tenantA, { uid: owned.uid })).toMatchObject({ uid: owned.uid });
    expect(await devices.findOne(tenantB, { uid: owned.uid })).toBeNull();
    expect(await devices.find(tenantB, {})).toEqual([]);
    expect(await devices.count(tenantB, { uid: owned.uid })).toBe(0);
  });

  it('never changes or deletes another tenant’s document', async () => {
    const owned = await persist.device(context.connection, { tenant_id: tenantA.tenantId });

    expect(await devices.updateOne(tenantB, { uid: owned.uid }, { $set: { name: 'stolen' } })).toBeNull();
    expect(await devices.deleteOne(tenantB, { uid: owned.uid })).toBe(false);
    expect(await devices.deleteMany(tenantB, { uid: owned.uid })).toBe(0);

    const unchanged = await devices.findOne(tenantA, { uid: owned.uid });
    expect(unchanged?.name).toBe(owned.name);
  });

  it('refuses filters and updates that name the tenant, even when the types are cast away', async () => {
    const owned = await persist.device(context.connection, { tenant_id: tenantA.tenantId });
    const smuggled = { tenant_id: tenantA.tenantId, uid: owned.uid } as unknown as Record<string, never>;

    await expect(devices.findOne(tenantB, smuggled)).rejects.toThrow(/tenant_id comes from the TenantScope/);
    await expect(devices.find(tenantB, { $or: [smuggled] } as never)).rejects.toThrow(/tenant_id/);
    await expect(
      devices.updateOne(tenantA, { uid: owned.uid }, { $set: { tenant_id: tenantB.tenantId } } as never),
    ).rejects.toThrow(/tenant_id/);
    await expect(devices.create(tenantB, { ...owned } as never)).rejects.toThrow(/tenant_id/);
  });

  it('refuses a $rename into or out of tenant_id, and tenant_id at any depth, even when the types are cast away', async () => {
    // The name holds the other tenant's id, so a rename into tenant_id would hand the device to tenant B.
    const owned = await persist.device(context.connection, { tenant_id: tenantA.tenantId, name: tenantB.tenantId });
    const renames = [{ name: 'tenant_id' }, { remote_addr: 'tenant_id.0' }, { tenant_id: 'owner' }];
    for (const $rename of renames) {
      await expect(devices.updateOne(tenantA, { uid: owned.uid }, { $rename } as never)).rejects.toThrow(/tenant_id/);
      await expect(devices.updateMany(tenantA, { uid: owned.uid }, { $rename } as never)).rejects.toThrow(/tenant_id/);
    }
    await expect(
      devices.updateOne(tenantA, { uid: owned.uid }, [{ $unset: 'tenant_id' }] as never),
    ).rejects.toThrow(/update document, not a pipeline/);

    let deep: Record<string, unknown> = { tenant_id: tenantB.tenantId };
    for (let level = 0; level < 40; level += 1) deep = { $and: [deep] };
    await expect(devices.find(tenantA, deep as never)).rejects.toThrow(/tenant_id/);
    await expect(
      devices.updateOne(tenantA, { uid: owned.uid }, { $set: { info: { tenant_id: tenantB.tenantId } } } as never),
    ).rejects.toThrow(/tenant_id/);

    expect(await devices.findOne(tenantA, { uid: owned.uid })).toMatchObject({ name: tenantB.tenantId });
    expect(await context.models.devices.countDocuments({ tenant_id: tenantB.tenantId })).toBe(0);
  });

  it('creates documents in the scope’s tenant', async () => {
    const { tenant_id: _ignored, ...fresh } = factory.device({ tenant_id: tenantB.tenantId });
    const created = await devices.create(tenantB, fresh);
    expect(created.tenant_id).toBe(tenantB.tenantId);
    expect(await devices.findOne(tenantA, { uid: created.uid })).toBeNull();
  });

  it('enforces one device name per tenant with a unique compound index, across tenants independently', async () => {
    await persist.device(context.connection, { tenant_id: tenantA.tenantId, name: 'gateway-1' });
    await expect(
      persist.device(context.connection, { tenant_id: tenantA.tenantId, name: 'gateway-1' }),
    ).rejects.toMatchObject({ code: 11000 });
    await expect(
      persist.device(context.connection, { tenant_id: tenantB.tenantId, name: 'gateway-1' }),
    ).resolves.toMatchObject({ name: 'gateway-1' });
  });

  it('accepts only UUID tenant ids as a scope', () => {
    expect(() => tenantScope('not-a-tenant')).toThrow(/tenant id must be a UUID/);
    expect(() => tenantScope('{"$ne":null}')).toThrow();
    expect(tenantScope('AAAAAAAA-0000-4000-8000-000000000001').tenantId).toBe(tenantA.tenantId);
  });
});
