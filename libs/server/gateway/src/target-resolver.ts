import { DevicesRepository, NamespacesRepository, tenantScope } from '@fleetgate/data-access';
import type { TargetLookup } from './access-decision';
import type { Sshid } from './sshid';

/** Looks up what an SSHID names; `AccessDecisionService.target` decides what that means for the person. */
export class TargetResolver {
  constructor(
    private readonly namespaces: NamespacesRepository,
    private readonly devices: DevicesRepository,
  ) {}

  async lookup(sshid: Sshid): Promise<TargetLookup> {
    if (sshid.kind === 'uid') {
      const device = await this.devices.findByUidUnscoped(sshid.uid);
      if (!device) return { namespace: null, device: null };
      return { namespace: await this.namespaces.findOne(tenantScope(device.tenant_id), {}), device };
    }
    const namespace = await this.namespaces.findByNameUnscoped(sshid.namespace);
    if (!namespace) return { namespace: null, device: null };
    return { namespace, device: await this.devices.findOne(tenantScope(namespace.tenant_id), { name: sshid.device }) };
  }
}
