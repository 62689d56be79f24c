import { Injectable } from '@nestjs/common';
import {
  ApiKeysRepository,
  AuthenticationPoliciesRepository,
  ChannelPoliciesRepository,
  AuditEventsRepository,
  ConnectorsRepository,
  DevicesRepository,
  FirewallRulesRepository,
  MembershipsRepository,
  NamespacesRepository,
  PublicKeysRepository,
  SessionsRepository,
  RecordingChunksRepository,
  RecordingSignaturesRepository,
  tenantScope,
} from '@fleetgate/data-access';
import { AppException } from '@fleetgate/errors';
import { DeviceAdmissionRepository } from '@fleetgate/queue';

export interface NamespaceContentsDeleted {
  devices: number;
  publicKeys: number;
  firewallRules: number;
  memberships: number;
  apiKeys: number;
  connectors: number;
  sessions: number;
  recordingChunks: number;
  recordingSignatures: number;
  channelPolicies: number;
  authenticationPolicies: number;
  auditEvents: number;
}

export interface OrphanSweepResult {
  /** Tenants whose namespace no longer exists and whose contents were deleted now. */
  tenants: string[];
}

const tenantIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Deletes everything a deleted namespace owned, through the tenant-scoped repositories. Idempotent, so a retried
 * job finishes what a failed one started; the periodic orphan sweep finds what a lost job left behind. Add each new
 * tenant-owned collection here and to `contentRepositories`.
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
    private readonly sessions: SessionsRepository,
    private readonly recordingChunks: RecordingChunksRepository,
    private readonly recordingSignatures: RecordingSignaturesRepository,
    private readonly channelPolicies: ChannelPoliciesRepository,
    private readonly authenticationPolicies: AuthenticationPoliciesRepository,
    private readonly auditEvents: AuditEventsRepository,
    private readonly admissionStates: DeviceAdmissionRepository,
  ) {}

  /**
   * Finds tenants that own documents but no namespace, and deletes their contents. Contents are read before
   * namespaces: a namespace is created before anything it owns, so a tenant seen among the contents either still
   * has its namespace when the namespaces are read, or has none left.
   */
  async sweepOrphans(): Promise<OrphanSweepResult> {
    const owners = await Promise.all(
      this.contentRepositories().map((repository) => repository.tenantIdsUnscoped()),
    );
    const live = new Set(await this.namespaces.tenantIdsUnscoped());
    const orphans = [...new Set(owners.flat())].filter(
      (tenantId) => !live.has(tenantId) && tenantIdPattern.test(tenantId),
    );
    for (const tenantId of orphans) await this.deleteContents(tenantId);
    return { tenants: orphans };
  }

  async deleteContents(tenantId: string): Promise<NamespaceContentsDeleted> {
    const scope = tenantScope(tenantId);
    // A job for a namespace that still exists is a mistake, never a reason to empty a live namespace.
    if (await this.namespaces.findOne(scope, {})) {
      throw AppException.conflict(`namespace ${scope.tenantId} still exists; its contents are kept`);
    }
    // Repeats what the API did on deletion, in case it did not get that far: no tunnel of the tenant stays up.
    await this.admissionStates.markTenantDeleted(scope.tenantId);
    await this.admissionStates.revoke({ tenantId: scope.tenantId, reason: 'namespace deleted' });
    const [
      devices,
      publicKeys,
      firewallRules,
      memberships,
      apiKeys,
      connectors,
      sessions,
      recordingChunks,
      recordingSignatures,
      channelPolicies,
      authenticationPolicies,
      auditEvents,
    ] = await Promise.all([
      this.devices.deleteMany(scope, {}),
      this.publicKeys.deleteMany(scope, {}),
      this.firewallRules.deleteMany(scope, {}),
      this.memberships.deleteMany(scope, {}),
      this.apiKeys.deleteMany(scope, {}),
      this.connectors.deleteMany(scope, {}),
      this.sessions.deleteByTenant(scope),
      this.recordingChunks.deleteMany(scope, {}),
      this.recordingSignatures.deleteMany(scope, {}),
      this.channelPolicies.deleteMany(scope, {}),
      this.authenticationPolicies.deleteMany(scope, {}),
      // The gateway's events about the namespace go with it; the instance-wide log keeps only events of no namespace.
      this.auditEvents.deleteMany(scope, {}),
    ]);
    return {
      devices,
      publicKeys,
      firewallRules,
      memberships,
      apiKeys,
      connectors,
      sessions,
      recordingChunks,
      recordingSignatures,
      channelPolicies,
      authenticationPolicies,
      auditEvents,
    };
  }

  private contentRepositories() {
    return [
      this.devices,
      this.publicKeys,
      this.firewallRules,
      this.memberships,
      this.apiKeys,
      this.connectors,
      this.sessions,
      this.recordingChunks,
      this.recordingSignatures,
      this.channelPolicies,
      this.authenticationPolicies,
      this.auditEvents,
    ];
  }
}
