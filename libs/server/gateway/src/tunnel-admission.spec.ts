import { randomUUID } from 'node:crypto';
import type { DevicesRepository, NamespacesRepository, TenantScope } from '@fleetgate/data-access';
import type { DeviceAdmissionRepository, DeviceAdmissionState } from '@fleetgate/queue';
import { MAX_CONCURRENT_ADMISSION_READS, MAX_DEVICES_PER_ADMISSION_READ, TunnelAdmission } from './tunnel-admission';

type Status = Exclude<DeviceAdmissionState, 'deleted'>;

/**
 * Redis that knows nothing yet, and a database whose device reads answer only when the test releases them, so the
 * test can see which lookups were gathered into one read.
 */
function fleet(devices: Record<string, Record<string, Status>>) {
  const reads: { tenantId: string; uids: string[] }[] = [];
  const releases: (() => void)[] = [];
  const remembered = new Map<string, DeviceAdmissionState>();
  const admissionStates = {
    lookup: async () => ({ tenantDeleted: false, state: null }),
    remember: async (tenantId: string, uid: string, state: DeviceAdmissionState) => void remembered.set(`${tenantId}/${uid}`, state),
    markTenantDeleted: async () => undefined,
  } as unknown as DeviceAdmissionRepository;
  const uidsOf = (filter: { uid: string | { $in: string[] } }) => (typeof filter.uid === 'string' ? [filter.uid] : filter.uid.$in);
  const deviceRepository = {
    find: async (scope: TenantScope, filter: { uid: string | { $in: string[] } }) => {
      const uids = uidsOf(filter);
      reads.push({ tenantId: scope.tenantId, uids });
      await new Promise<void>((resolve) => releases.push(resolve));
      const tenantDevices = devices[scope.tenantId] ?? {};
      return uids.filter((uid) => uid in tenantDevices).map((uid) => ({ uid, status: tenantDevices[uid] }));
    },
  } as unknown as DevicesRepository;
  const namespaces = {
    findOne: async (scope: TenantScope) => (scope.tenantId in devices ? { tenant_id: scope.tenantId } : null),
  } as unknown as NamespacesRepository;
  const releaseAll = async () => {
    while (releases.length > 0) {
      releases.splice(0).forEach((release) => release());
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { admission: new TunnelAdmission(admissionStates, deviceRepository, namespaces), reads, releaseAll, remembered };
}

const [tenant, a, b, goneTenant] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('TunnelAdmission', () => {
  it('reads the devices that arrive while reads are in flight together, one read per batch, not one each', async () => {
    const statuses: Record<string, Status> = {};
    for (let index = 0; index < 1_200; index++) statuses[`device-${index}`] = index % 3 === 0 ? 'rejected' : 'accepted';
    const { admission, reads, releaseAll, remembered } = fleet({ [tenant]: statuses });

    const decisions = Object.keys(statuses).map((uid) => admission.decide(tenant, uid));
    await settle();
    // The first arrivals start reads at once; everyone else waits for a free read.
    expect(reads).toHaveLength(MAX_CONCURRENT_ADMISSION_READS);
    await releaseAll();
    const results = await Promise.all(decisions);

    expect(reads.length).toBeLessThanOrEqual(MAX_CONCURRENT_ADMISSION_READS + Math.ceil(1_200 / MAX_DEVICES_PER_ADMISSION_READ));
    expect(Math.max(...reads.map((read) => read.uids.length))).toBeLessThanOrEqual(MAX_DEVICES_PER_ADMISSION_READ);
    expect(reads.flatMap((read) => read.uids).sort()).toEqual(Object.keys(statuses).sort());
    results.forEach((result, index) => {
      expect(result.admitted).toBe(index % 3 !== 0);
      expect(remembered.get(`${tenant}/device-${index}`)).toBe(index % 3 === 0 ? 'rejected' : 'accepted');
    });
  });

  it('answers each device of a batch from its own document: a missing one is deleted, a gone namespace refuses all', async () => {
    const { admission, releaseAll } = fleet({ [tenant]: { known: 'pending' } });
    const decisions = Promise.all([
      admission.decide(tenant, 'known'),
      admission.decide(tenant, 'unknown'),
      admission.decide(goneTenant, 'any'),
      admission.decide(tenant, 'known'),
    ]);
    await settle();
    await releaseAll();
    expect(await decisions).toEqual([
      { admitted: true },
      { admitted: false, reason: 'the device was deleted' },
      { admitted: false, reason: 'the namespace was deleted' },
      { admitted: true },
    ]);
  });

  it('keeps namespaces apart: a batch holds the devices of one namespace only', async () => {
    const { admission, reads, releaseAll } = fleet({ [a]: { one: 'accepted' }, [b]: { one: 'rejected' } });
    const blockers = [admission.decide(a, 'blocker-1'), admission.decide(a, 'blocker-2')];
    const decisions = Promise.all([admission.decide(a, 'one'), admission.decide(b, 'one')]);
    await settle();
    await releaseAll();
    await Promise.all(blockers);
    expect(await decisions).toEqual([{ admitted: true }, { admitted: false, reason: 'the device was rejected' }]);
    for (const read of reads) expect(new Set(read.uids).size).toBe(read.uids.length);
    expect(reads.filter((read) => read.tenantId === b)).toEqual([{ tenantId: b, uids: ['one'] }]);
  });

  it('passes a failed read to every device waiting for it, and reads again for the next arrivals', async () => {
    let failing = true;
    const devices = {
      find: async () => {
        if (failing) throw new Error('database unavailable');
        return [{ uid: 'one', status: 'accepted' }];
      },
    } as unknown as DevicesRepository;
    const admission = new TunnelAdmission(
      {
        lookup: async () => ({ tenantDeleted: false, state: null }),
        remember: async () => undefined,
      } as unknown as DeviceAdmissionRepository,
      devices,
      { findOne: async () => ({}) } as unknown as NamespacesRepository,
    );
    await expect(Promise.all([admission.decide(tenant, 'one'), admission.decide(tenant, 'one')])).rejects.toThrow('database unavailable');
    failing = false;
    await expect(admission.decide(tenant, 'one')).resolves.toEqual({ admitted: true });
  });
});
