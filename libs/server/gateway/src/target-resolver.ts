import { type DeviceDocument, DevicesRepository, NamespacesRepository, type TenantScope, tenantScope } from '@fleetgate/data-access';
import type { Sshid } from './sshid';

export interface ResolvedTarget {
  scope: TenantScope;
  namespace: string;
  device: DeviceDocument;
  user: string;
}

export type Resolution = { ok: true; target: ResolvedTarget } | { ok: false; reason: string };

/** Finds the device an SSHID names, and says in plain words when it cannot be reached. */
export class TargetResolver {
  constructor(
    private readonly namespaces: NamespacesRepository,
    private readonly devices: DevicesRepository,
  ) {}

  async resolve(sshid: Sshid): Promise<Resolution> {
    let namespaceName: string;
    let device: DeviceDocument | null;
    if (sshid.kind === 'uid') {
      device = await this.devices.findByUidUnscoped(sshid.uid);
      if (!device) return { ok: false, reason: `There is no device with uid ${sshid.uid}.` };
      const namespace = await this.namespaces.findOne(tenantScope(device.tenant_id), {});
      namespaceName = namespace?.name ?? '';
    } else {
      const namespace = await this.namespaces.findByNameUnscoped(sshid.namespace);
      if (!namespace) return { ok: false, reason: `There is no namespace "${sshid.namespace}".` };
      namespaceName = namespace.name;
      device = await this.devices.findOne(tenantScope(namespace.tenant_id), { name: sshid.device });
      if (!device) return { ok: false, reason: `There is no device "${sshid.device}" in namespace "${namespaceName}".` };
    }
    if (device.status !== 'accepted') {
      return {
        ok: false,
        reason: `Device ${namespaceName}.${device.name} is ${device.status}, not accepted: an administrator of the namespace must accept it first.`,
      };
    }
    return { ok: true, target: { scope: tenantScope(device.tenant_id), namespace: namespaceName, device, user: sshid.user } };
  }
}
