import { Injectable } from '@nestjs/common';
import {
  ApiKeysRepository,
  ConnectorsRepository,
  DevicesRepository,
  FirewallRulesRepository,
  MembershipsRepository,
  NamespacesRepository,
  PublicKeysRepository,
  tenantScope,
} from '@fleetgate/data-access';
import { AppException } from '@fleetgate/errors';

export interface NamespaceContentsDeleted {
  devices: number;
  publicKeys: number;
  firewallRules: number;
  memberships: number;
  apiKeys: number;
  connectors: number;
}

/**
 * Deletes everything a deleted namespace owned, through the tenant-scoped repositories. Idempotent, so a retried
 * job finishes what a failed one started. Add each new tenant-owned collection here.
 */
@Injectable()
export class NamespaceContentsCleanupService {
  constructor(
    private readonly namespaces: NamespacesRepository,
    private readonly devices: DevicesRepository,
    private readonly publicKeys: PublicKeysRepository,
    private readonly firewallRules: FirewallRulesRepository,
    private readonly memberships: MembershipsRepository,
    private readonly apiKeys: ApiKeysRepository,
    private readonly connectors: ConnectorsRepository,
  ) {}

  async deleteContents(tenantId: string): Promise<NamespaceContentsDeleted> {
    const scope = tenantScope(tenantId);
    // A job for a namespace that still exists is a mistake, never a reason to empty a live namespace.
    if (await this.namespaces.findOne(scope, {})) {
      throw AppException.conflict(`namespace ${scope.tenantId} still exists; its contents are kept`);
    }
    const [devices, publicKeys, firewallRules, memberships, apiKeys, connectors] = await Promise.all([
      this.devices.deleteMany(scope, {}),
      this.publicKeys.deleteMany(scope, {}),
      this.firewallRules.deleteMany(scope, {}),
      this.memberships.deleteMany(scope, {}),
      this.apiKeys.deleteMany(scope, {}),
      this.connectors.deleteMany(scope, {}),
    ]);
    return { devices, publicKeys, firewallRules, memberships, apiKeys, connectors };
  }
}
