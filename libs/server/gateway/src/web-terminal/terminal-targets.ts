import type { DevicesRepository, NamespacesRepository, TenantScope } from '@fleetgate/data-access';
import type { TerminalTargetDirectory } from './web-terminal-session';

/**
 * A ticket's device, looked up within the ticket's tenant only: the web terminal logs in by namespace and device
 * name, so another tenant's device can never be what a ticket reaches.
 */
export class TerminalTargets implements TerminalTargetDirectory {
  constructor(
    private readonly namespaces: NamespacesRepository,
    private readonly devices: DevicesRepository,
  ) {}

  async find(scope: TenantScope, uid: string): Promise<{ namespace: string; device: string } | null> {
    const [namespace, device] = await Promise.all([this.namespaces.findOne(scope, {}), this.devices.findOne(scope, { uid })]);
    return namespace && device ? { namespace: namespace.name, device: device.name } : null;
  }
}
