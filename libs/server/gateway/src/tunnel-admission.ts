import { DevicesRepository, NamespacesRepository, tenantScope } from '@fleetgate/data-access';
import { type DeviceAdmissionRepository, type DeviceAdmissionState, isRefusedAdmissionState } from '@fleetgate/queue';
import pLimit from 'p-limit';

export type AdmissionDecision = { admitted: true } | { admitted: false; reason: string };

/**
 * Database reads for devices Redis does not know yet, at once per gateway process. A cold start of a whole fleet
 * (Redis emptied, or admission keys expired) would otherwise send thousands of lookups together, and FerretDB
 * stalls once its backend pool is exhausted; queued lookups wait a little instead, and agents retry.
 */
export const MAX_CONCURRENT_ADMISSION_READS = 8;

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
  private readonly databaseReads = pLimit(MAX_CONCURRENT_ADMISSION_READS);

  constructor(
    private readonly admissionStates: DeviceAdmissionRepository,
    private readonly devices: DevicesRepository,
    private readonly namespaces: NamespacesRepository,
  ) {}

  async decide(tenantId: string, uid: string): Promise<AdmissionDecision> {
    const known = await this.admissionStates.lookup(tenantId, uid);
    if (known.tenantDeleted) return { admitted: false, reason: 'the namespace was deleted' };
    if (known.state) return verdict(known.state);

    const scope = tenantScope(tenantId);
    const [namespace, device] = await this.databaseReads(() =>
      Promise.all([this.namespaces.findOne(scope, {}), this.devices.findOne(scope, { uid })]),
    );
    // Tokens are only issued in existing namespaces, so a token whose namespace is gone outlived its deletion.
    if (!namespace) {
      await this.admissionStates.markTenantDeleted(tenantId);
      return { admitted: false, reason: 'the namespace was deleted' };
    }
    const state: DeviceAdmissionState = device?.status ?? 'deleted';
    await this.admissionStates.remember(tenantId, uid, state);
    return verdict(state);
  }
}

function verdict(state: DeviceAdmissionState): AdmissionDecision {
  return isRefusedAdmissionState(state)
    ? { admitted: false, reason: refusalReasons[state] ?? `the device is ${state}` }
    : { admitted: true };
}
