// Compiled by tenant-scope.types.spec.ts, never run. Each line marked EXPECT-ERROR must fail to type-check:
// together they show that a query cannot reach the database without a TenantScope.
import type { DevicesRepository } from '../../repositories/devices.repository';
import { tenantScope } from '../tenant-scope';

export async function misuse(devices: DevicesRepository): Promise<void> {
  const scope = tenantScope('aaaaaaaa-0000-4000-8000-000000000001');
  await devices.findOne(scope, { uid: 'ok' }); // compiles: the scope is given

  await devices.findOne({ uid: 'x' }); // EXPECT-ERROR forgot the scope
  await devices.find('aaaaaaaa-0000-4000-8000-000000000001', {}); // EXPECT-ERROR a bare string is not a scope
  await devices.findOne({ tenantId: 'aaaaaaaa-0000-4000-8000-000000000001' }, {}); // EXPECT-ERROR a look-alike object is not a scope
  await devices.find(scope, { tenant_id: 'bbbbbbbb-0000-4000-8000-000000000002' }); // EXPECT-ERROR the filter may not name the tenant
  await devices.updateOne(scope, { uid: 'x' }, { $set: { tenant_id: 'other' } }); // EXPECT-ERROR an update may not move a document
  await devices.deleteMany({ uid: 'x' }); // EXPECT-ERROR forgot the scope
  await devices.updateOne(scope, { uid: 'x' }, { $rename: { name: 'tenant_id' } }); // EXPECT-ERROR a rename into the tenant
  await devices.updateMany(scope, {}, { $rename: { remote_addr: 'tenant_id.x' } }); // EXPECT-ERROR a rename into a tenant path
  await devices.updateOne(scope, { uid: 'x' }, { $rename: { tenant_id: 'owner' } }); // EXPECT-ERROR a rename out of the tenant
  await devices.updateOne(scope, { uid: 'x' }, { $rename: { remote_addr: 'address' }, $set: { tags: ['a'] } }); // compiles
}
