import { DevicesRepository, NamespacesRepository, tenantScope } from '@fleetgate/data-access';
import { type DeviceAdmissionRepository, type DeviceAdmissionState, isRefusedAdmissionState } from '@fleetgate/queue';

export type AdmissionDecision = { admitted: true } | { admitted: false; reason: string };

/**
 * Database reads for devices Redis does not know yet, at once per gateway process. A cold start of a whole fleet
 * (Redis emptied, or admission keys expired) would otherwise send thousands of lookups together, and FerretDB
 * stalls once its backend pool is exhausted.
 */
export const MAX_CONCURRENT_ADMISSION_READS = 2;

/**
 * Devices of one namespace looked up by one read. While reads are in flight, the devices that arrive meanwhile wait
 * and are then read together: one `uid: {$in}` query instead of one query each. On FerretDB's PostgreSQL backend a
 * device lookup by uid scans the namespace's devices (its equality pushdown cannot use the uid index), so reading
 * them one by one made a cold start of 10,000 devices take minutes and starved the API of the database.
 */
export const MAX_DEVICES_PER_ADMISSION_READ = 500;

interface AdmissionRead {
  namespaceExists: boolean;
  /** The status of each device read; a uid absent from the map has no document. */
  statuses: Map<string, DeviceAdmissionState>;
}

interface Waiter {
  resolve: (read: AdmissionRead) => void;
  reject: (error: unknown) => void;
}

const refusalReasons: Partial<Record<DeviceAdmissionState, string>> = {
  rejected: 'the device was rejected',
  removed: 'the device was removed',
  deleted: 'the device was deleted',
};

/**
 * Decides whether a device (whose token the endpoint already verified) may hold a tunnel. Redis answers
 * (docs/tunnel-admission.md); the database is read only when Redis knows nothing of the device yet, and what it
 * says is remembered, so a fleet's reconnect storm never becomes a storm of device lookups.
 */
export class TunnelAdmission {
  private readsInFlight = 0;
  /** Devices waiting for a database read, by tenant, then uid. */
  private readonly waiting = new Map<string, Map<string, Waiter[]>>();

  constructor(
    private readonly admissionStates: DeviceAdmissionRepository,
    private readonly devices: DevicesRepository,
    private readonly namespaces: NamespacesRepository,
  ) {}

  async decide(tenantId: string, uid: string): Promise<AdmissionDecision> {
    const known = await this.admissionStates.lookup(tenantId, uid);
    if (known.tenantDeleted) return { admitted: false, reason: 'the namespace was deleted' };
    if (known.state) return verdict(known.state);

    const read = await this.readFromDatabase(tenantId, uid);
    // Tokens are only issued in existing namespaces, so a token whose namespace is gone outlived its deletion.
    if (!read.namespaceExists) {
      await this.admissionStates.markTenantDeleted(tenantId);
      return { admitted: false, reason: 'the namespace was deleted' };
    }
    const state: DeviceAdmissionState = read.statuses.get(uid) ?? 'deleted';
    await this.admissionStates.remember(tenantId, uid, state);
    return verdict(state);
  }

  private readFromDatabase(tenantId: string, uid: string): Promise<AdmissionRead> {
    return new Promise<AdmissionRead>((resolve, reject) => {
      let devices = this.waiting.get(tenantId);
      if (!devices) {
        devices = new Map();
        this.waiting.set(tenantId, devices);
      }
      devices.set(uid, [...(devices.get(uid) ?? []), { resolve, reject }]);
      this.startReads();
    });
  }

  private startReads(): void {
    while (this.readsInFlight < MAX_CONCURRENT_ADMISSION_READS && this.waiting.size > 0) {
      const [tenantId, devices] = this.waiting.entries().next().value as [string, Map<string, Waiter[]>];
      const batch = new Map<string, Waiter[]>();
      for (const [uid, waiters] of devices) {
        if (batch.size === MAX_DEVICES_PER_ADMISSION_READ) break;
        batch.set(uid, waiters);
        devices.delete(uid);
      }
      if (devices.size === 0) this.waiting.delete(tenantId);
      this.readsInFlight++;
      this.readBatch(tenantId, [...batch.keys()])
        .then(
          (read) => batch.forEach((waiters) => waiters.forEach((waiter) => waiter.resolve(read))),
          (error: unknown) => batch.forEach((waiters) => waiters.forEach((waiter) => waiter.reject(error))),
        )
        .finally(() => {
          this.readsInFlight--;
          this.startReads();
        });
    }
  }

  private async readBatch(tenantId: string, uids: string[]): Promise<AdmissionRead> {
    const scope = tenantScope(tenantId);
    const [namespace, devices] = await Promise.all([
      this.namespaces.findOne(scope, {}),
      uids.length === 1 ? this.devices.find(scope, { uid: uids[0] }) : this.devices.find(scope, { uid: { $in: uids } }),
    ]);
    return {
      namespaceExists: namespace !== null,
      statuses: new Map(devices.map((device) => [device.uid, device.status])),
    };
  }
}

function verdict(state: DeviceAdmissionState): AdmissionDecision {
  return isRefusedAdmissionState(state)
    ? { admitted: false, reason: refusalReasons[state] ?? `the device is ${state}` }
    : { admitted: true };
}
