import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { BillingJobName, billingReportJobId, CleanupJobName, QueueName } from '@fleetgate/contracts';
import {
  isDuplicateKeyError,
  MembershipsRepository,
  type NamespaceDocument,
  NamespacesRepository,
  type Page,
  type PageRequest,
  pageWindow,
  type ScopedUpdate,
  tenantScope,
  type TenantScope,
  UsersRepository,
} from '@fleetgate/data-access';
import { AppException } from '@fleetgate/errors';
import type { AuthenticatedMember } from '@fleetgate/identity';
import { DeviceAdmissionRepository, QueueProducer } from '@fleetgate/queue';
import { type FieldAllowList, parseListFilter } from '@fleetgate/listing';
import { NamespaceViewsService } from './namespace-views.service';
import type { NamespaceView } from './namespace.view';
import { NAMESPACES_OPTIONS, type NamespacesOptions } from './namespaces.options';

/** What a namespace list may be filtered by (ShellHub's web UI searches by name). */
const namespaceListFields: FieldAllowList = { name: { path: 'name', type: 'string' } };

export interface NamespaceUpdate {
  name?: string;
  settings?: {
    session_record?: boolean;
    connection_announcement?: string;
    session_record_input?: boolean;
    session_record_retention_days?: number;
  };
}

export interface NamespaceListQuery extends PageRequest {
  /** ShellHub's base64 filter. */
  filter?: string;
}

/** The job id of a namespace's content deletion: one per tenant, so a repeated delete enqueues nothing new. */
export const deleteNamespaceContentsJobId = (tenantId: string) => `delete-namespace-contents-${tenantId}`;

/**
 * The tenant in a `/api/namespaces/{tenant}` path must be the one the member guard authenticated the caller in
 * (token's tenant or X-Tenant-ID): the role was checked there. Anything else answers as if it did not exist
 * (ShellHub v0.17.1 did not cross-check them; shellhub-behaviour sections 3.4 and 9).
 */
export function scopeOfPath(member: AuthenticatedMember, tenant: string): TenantScope {
  const scope = tenantScope(tenant);
  if (scope.tenantId !== member.scope.tenantId) throw AppException.notFound('namespace');
  return scope;
}

@Injectable()
export class NamespacesService {
  constructor(
    private readonly namespaces: NamespacesRepository,
    private readonly memberships: MembershipsRepository,
    private readonly users: UsersRepository,
    private readonly views: NamespaceViewsService,
    private readonly queue: QueueProducer,
    private readonly admissionStates: DeviceAdmissionRepository,
    @Inject(NAMESPACES_OPTIONS) private readonly options: NamespacesOptions,
  ) {}

  /** Creates a namespace the user owns, within their `max_namespaces` (-1 unlimited, 0 none). */
  async create(userId: string, name: string): Promise<NamespaceView> {
    const user = await this.users.findById(userId);
    if (!user) throw AppException.unauthorized('the user no longer exists');
    if (user.max_namespaces === 0) throw AppException.forbidden('this user may not create namespaces');
    if (
      user.max_namespaces > 0 &&
      (await this.namespaces.countOwnedByUnscoped(user.id)) >= user.max_namespaces
    ) {
      throw AppException.forbidden(`this user may own at most ${user.max_namespaces} namespaces`);
    }
    const scope = tenantScope(randomUUID());
    let namespace: NamespaceDocument;
    try {
      namespace = await this.namespaces.create(scope, {
        name: name.toLowerCase(),
        owner: user.id,
        max_devices: this.options.newNamespaceMaxDevices ?? -1,
        settings: { session_record: true, connection_announcement: '' },
      });
    } catch (error) {
      if (isDuplicateKeyError(error))
        throw AppException.conflict('a namespace with this name already exists');
      throw error;
    }
    await this.memberships.create(scope, { user_id: user.id, role: 'owner', status: 'accepted' });
    return this.views.view(namespace);
  }

  /** The namespaces the user is an accepted member of; pending invitations are left out. */
  async listForUser(userId: string, query: NamespaceListQuery): Promise<Page<NamespaceView>> {
    const predicate = parseListFilter(query.filter, namespaceListFields);
    const tenantIds = (await this.memberships.findAcceptedOfUserUnscoped(userId)).map((m) => m.tenant_id);
    if (tenantIds.length === 0) return { items: [], total: 0 };
    const page = await this.namespaces.pageOfTenantsUnscoped(tenantIds, { predicate, ...pageWindow(query) });
    return { items: await Promise.all(page.items.map((ns) => this.views.view(ns))), total: page.total };
  }

  async get(member: AuthenticatedMember, tenant: string): Promise<NamespaceView> {
    return this.views.view(await this.document(scopeOfPath(member, tenant)));
  }

  async update(member: AuthenticatedMember, tenant: string, update: NamespaceUpdate): Promise<NamespaceView> {
    const scope = scopeOfPath(member, tenant);
    const set: Record<string, unknown> = {};
    if (update.name !== undefined) {
      const name = update.name.toLowerCase();
      // Checked first because FerretDB 1.24 reports a unique-index clash on update as an internal error, not 11000.
      const holder = await this.namespaces.findByNameUnscoped(name);
      if (holder && holder.tenant_id !== scope.tenantId) {
        throw AppException.conflict('a namespace with this name already exists');
      }
      set['name'] = name;
    }
    if (update.settings?.session_record !== undefined)
      set['settings.session_record'] = update.settings.session_record;
    if (update.settings?.connection_announcement !== undefined) {
      set['settings.connection_announcement'] = update.settings.connection_announcement;
    }
    if (update.settings?.session_record_input !== undefined) {
      set['settings.session_record_input'] = update.settings.session_record_input;
    }
    if (update.settings?.session_record_retention_days !== undefined) {
      set['settings.session_record_retention_days'] = update.settings.session_record_retention_days;
    }
    if (Object.keys(set).length === 0) return this.get(member, tenant);
    let updated: NamespaceDocument | null;
    try {
      updated = await this.namespaces.updateOne(scope, {}, { $set: set } as ScopedUpdate<NamespaceDocument>);
    } catch (error) {
      if (isDuplicateKeyError(error))
        throw AppException.conflict('a namespace with this name already exists');
      throw error;
    }
    if (!updated) throw AppException.notFound('namespace');
    return this.views.view(updated);
  }

  /**
   * Deletes the namespace and its memberships now, so nobody reaches it from the next request on, closes its
   * devices' tunnels, and leaves its devices, keys and other contents to the worker's cleanup job (and, should that
   * job be lost, to the worker's periodic orphan sweep).
   */
  async delete(member: AuthenticatedMember, tenant: string): Promise<void> {
    const scope = scopeOfPath(member, tenant);
    const billing = (await this.namespaces.findOne(scope, {}))?.billing;
    if (!(await this.namespaces.deleteOne(scope, {}))) throw AppException.notFound('namespace');
    if (this.options.billingEnabled && billing?.active && billing.customer_id && billing.subscription_id) {
      // ShellHub Cloud reports the deletion to billing: the worker ends the subscription in Stripe.
      const eventId = `namespace_delete:${scope.tenantId}:${billing.subscription_id}`;
      await this.queue.enqueue(
        QueueName.Billing,
        BillingJobName.ReportUsage,
        {
          tenantId: scope.tenantId,
          action: 'namespace_delete',
          eventId,
          customerId: billing.customer_id,
          subscriptionId: billing.subscription_id,
          occurredAt: Math.floor(Date.now() / 1000),
        },
        { jobId: billingReportJobId(eventId) },
      );
    }
    await this.admissionStates.markTenantDeleted(scope.tenantId);
    await this.admissionStates.revoke({ tenantId: scope.tenantId, reason: 'namespace deleted' });
    await this.memberships.deleteMany(scope, {});
    await this.queue.enqueue(
      QueueName.Cleanup,
      CleanupJobName.DeleteNamespaceContents,
      { tenantId: scope.tenantId },
      { jobId: deleteNamespaceContentsJobId(scope.tenantId) },
    );
  }

  private async document(scope: TenantScope): Promise<NamespaceDocument> {
    const namespace = await this.namespaces.findOne(scope, {});
    if (!namespace) throw AppException.notFound('namespace');
    return namespace;
  }
}
