import { Inject, Injectable } from '@nestjs/common';
import { BillingJobName, billingReportJobId, ErrorCode, QueueName } from '@fleetgate/contracts';
import {
  type DeviceDocument,
  DevicePresenceStore,
  type DeviceStatus,
  DevicesRepository,
  type FindOptions,
  type NamespaceDocument,
  NamespacesRepository,
  type Page,
  type PageRequest,
  deviceStatuses,
  pageWindow,
  type ScopedFilter,
  type ScopedUpdate,
  type TenantScope,
} from '@fleetgate/data-access';
import { AppException } from '@fleetgate/errors';
import { type FieldAllowList, parseListFilter, type Predicate } from '@fleetgate/listing';
import { DeviceAdmissionRepository, isRefusedAdmissionState, QueueProducer } from '@fleetgate/queue';
import { type DeviceView, toDeviceView } from './device.view';
import { DEVICES_OPTIONS, type DevicesOptions } from './devices.options';

export const deviceSortFields = ['last_seen', 'name', 'created_at', 'status', 'status_updated_at'] as const;
export type DeviceSortField = (typeof deviceSortFields)[number];

/**
 * What a device list may be filtered by (ShellHub's web UI: name search, tag chips, online). `online` is not stored:
 * it is evaluated against Redis, as the uids online now (see `listPredicate`).
 */
const deviceListFields = (onlineUids: () => readonly string[]): FieldAllowList => ({
  name: { path: 'name', type: 'string' },
  tags: { path: 'tags', type: 'strings' },
  online: { path: 'uid', type: 'boolean', members: onlineUids },
  status: { path: 'status', type: 'string' },
  last_seen: { path: 'last_seen', type: 'date' },
  created_at: { path: 'created_at', type: 'date' },
  'info.id': { path: 'info.id', type: 'string' },
  'info.platform': { path: 'info.platform', type: 'string' },
  'info.pretty_name': { path: 'info.pretty_name', type: 'string' },
  'info.version': { path: 'info.version', type: 'string' },
  remote_addr: { path: 'remote_addr', type: 'string' },
  /** Devices the gateway refuses until an owner accepts the host key they now present. */
  host_key_changed: { path: 'host_key_changed', type: 'boolean' },
});

/** Tags per device, per public key filter and per firewall rule filter (ShellHub's limit). */
export const MAX_TAGS = 3;

export interface DeviceStats {
  registered_devices: number;
  online_devices: number;
  pending_devices: number;
  rejected_devices: number;
  active_sessions: number;
}

/**
 * Containers are devices whose agent runs in connector mode (`info.platform` is `connector`). ShellHub lists them
 * apart: `/api/devices` never lists a container and `/api/containers` lists nothing else.
 */
export type DeviceKind = 'device' | 'container';
export const CONNECTOR_PLATFORM = 'connector';

function kindCondition(kind: DeviceKind): ScopedFilter<DeviceDocument> {
  return (
    kind === 'container' ? { 'info.platform': CONNECTOR_PLATFORM } : { 'info.platform': { $ne: CONNECTOR_PLATFORM } }
  ) as ScopedFilter<DeviceDocument>;
}

/**
 * Which devices a route that names one by uid may reach: `/api/devices/{uid}` reaches every device of the
 * namespace, as in ShellHub (a session's device may be a container); `/api/containers/{uid}` only containers.
 */
export type DeviceReach = DeviceKind | 'any';

function uidCondition(uid: string, reach: DeviceReach): ScopedFilter<DeviceDocument> {
  return (reach === 'any' ? { uid } : { $and: [{ uid }, kindCondition(reach)] }) as ScopedFilter<DeviceDocument>;
}

export interface DeviceListQuery extends PageRequest {
  /** Devices unless stated. */
  kind?: DeviceKind;
  status?: DeviceStatus;
  /** ShellHub's base64 filter. */
  filter?: string;
  sortBy?: DeviceSortField;
  orderBy?: 'asc' | 'desc';
}

/** The `{status}` of `PATCH /api/devices/{uid}/{status}` and the status each one sets. */
export const deviceStatusActions = ['accept', 'reject', 'pending', 'remove', 'unused'] as const;
export type DeviceStatusAction = (typeof deviceStatusActions)[number];

const statusSetBy: Record<DeviceStatusAction, DeviceStatus> = {
  accept: 'accepted',
  reject: 'rejected',
  pending: 'pending',
  remove: 'removed',
  unused: 'unused',
};

@Injectable()
export class DevicesService {
  constructor(
    private readonly devices: DevicesRepository,
    private readonly namespaces: NamespacesRepository,
    private readonly presence: DevicePresenceStore,
    private readonly admissionStates: DeviceAdmissionRepository,
    private readonly queue: QueueProducer,
    @Inject(DEVICES_OPTIONS) private readonly options: DevicesOptions,
  ) {}

  async list(scope: TenantScope, query: DeviceListQuery): Promise<Page<DeviceView>> {
    const predicate = await this.listPredicate(scope, query.filter);
    const byStatus = query.status ? { status: query.status } : null;
    const conditions = [kindCondition(query.kind ?? 'device'), byStatus, predicate].filter(
      (condition) => condition !== null,
    );
    // The predicate only names allow-listed paths, never tenant_id; the repository adds the tenant.
    const filter = (conditions.length === 1 ? conditions[0] : { $and: conditions }) as ScopedFilter<DeviceDocument>;
    const order = query.orderBy === 'asc' ? 1 : -1;
    const options: FindOptions<DeviceDocument> = {
      // uid breaks ties, so that pages neither repeat nor skip devices with equal sort values.
      sort: { [query.sortBy ?? 'last_seen']: order, uid: 1 },
      ...pageWindow(query),
    };
    const [namespace, total, devices] = await Promise.all([
      this.namespace(scope),
      this.devices.count(scope, filter),
      this.devices.find(scope, filter, options),
    ]);
    const [context, online] = await Promise.all([
      this.viewContext(scope, namespace),
      this.presence.onlineUntil(scope.tenantId, devices.map((device) => device.uid)),
    ]);
    return { items: devices.map((device) => toDeviceView(device, { ...context, online: online.has(device.uid) })), total };
  }

  async get(scope: TenantScope, uid: string, reach: DeviceReach = 'any'): Promise<DeviceView> {
    const [namespace, device] = await Promise.all([this.namespace(scope), this.device(scope, uid, reach)]);
    const [context, online] = await Promise.all([
      this.viewContext(scope, namespace),
      this.presence.onlineUntil(scope.tenantId, [device.uid]),
    ]);
    return toDeviceView(device, { ...context, online: online.has(device.uid) });
  }

  /**
   * The list filter, with `online` evaluated against Redis: the tenant's online uids are read only when the filter
   * names `online`, and become `uid $in` (online) or `uid $nin` (offline) in the one database query.
   */
  private async listPredicate(scope: TenantScope, filter: string | undefined): Promise<Predicate | null> {
    let namesOnline = false;
    const predicate = parseListFilter(
      filter,
      deviceListFields(() => {
        namesOnline = true;
        return [];
      }),
    );
    if (!namesOnline) return predicate;
    const onlineUids = await this.presence.onlineUids(scope.tenantId);
    return parseListFilter(filter, deviceListFields(() => onlineUids));
  }

  /**
   * ShellHub's status transitions: an accepted device keeps its status (it is deleted instead), `removed` and
   * `unused` cannot be set by hand, and accepting respects the namespace's device limit.
   */
  async changeStatus(
    scope: TenantScope,
    uid: string,
    action: DeviceStatusAction,
    reach: DeviceReach = 'any',
  ): Promise<void> {
    const device = await this.device(scope, uid, reach);
    if (device.status === 'accepted') {
      throw AppException.validation('an accepted device cannot change status');
    }
    const status = statusSetBy[action];
    if (status === 'removed' || status === 'unused') {
      throw AppException.validation(`a device cannot be set to ${status}`);
    }
    const namespace = await this.namespace(scope);
    if (status === 'accepted' && (await this.deviceLimitReached(scope, namespace))) throw this.limitReached(namespace);
    // Gateways reading the device meanwhile go to the database rather than to a state about to be stale.
    await this.admissionStates.forget(scope.tenantId, uid);
    // The status condition makes a concurrent accept of the same device lose instead of overwrite.
    const changedAt = new Date();
    const changed = await this.devices.updateOne(
      scope,
      { uid, status: device.status },
      { $set: { status, status_updated_at: changedAt } },
    );
    if (!changed) throw AppException.conflict('the device changed status meanwhile');
    if (status === 'accepted') await this.reportAccepted(namespace, uid, changedAt);
    await this.admissionStates.record(scope.tenantId, uid, status);
    if (isRefusedAdmissionState(status)) {
      await this.admissionStates.revoke({ tenantId: scope.tenantId, uid, reason: `device ${status}` });
    }
  }

  /** Rename (the name must stay unique in the namespace: the SSHID resolves by it) and the public URL switch. */
  async update(
    scope: TenantScope,
    uid: string,
    change: { name?: string; public_url?: boolean },
    reach: DeviceReach = 'any',
  ): Promise<void> {
    const set: { name?: string; public_url?: boolean } = {};
    if (change.name !== undefined) set.name = change.name.toLowerCase();
    if (change.public_url !== undefined) set.public_url = change.public_url;
    if (set.name !== undefined) {
      const holder = await this.devices.findOne(scope, { name: set.name });
      if (holder && holder.uid !== uid) throw AppException.conflict(`a device named ${set.name} already exists in this namespace`);
    }
    if (!(await this.devices.updateOne(scope, uidCondition(uid, reach), { $set: set }))) {
      throw AppException.notFound('device');
    }
  }

  /** Deletes the device and closes its tunnel; its agent may register again and start over as pending. */
  async delete(scope: TenantScope, uid: string, reach: DeviceReach = 'any'): Promise<void> {
    if (!(await this.devices.deleteOne(scope, uidCondition(uid, reach)))) throw AppException.notFound('device');
    await this.admissionStates.record(scope.tenantId, uid, 'deleted');
    await this.admissionStates.revoke({ tenantId: scope.tenantId, uid, reason: 'device deleted' });
    await this.reopenWithinLimit(scope);
  }

  /**
   * A namespace refused to people for having more accepted devices than its plan allows (billing's `can_connect`,
   * docs/adr/0008) opens again once deletions bring it within the limit.
   */
  private async reopenWithinLimit(scope: TenantScope): Promise<void> {
    const namespace = await this.namespaces.findOne(scope, {});
    if (!namespace?.billing || namespace.billing.can_connect) return;
    if (namespace.max_devices > 0 && (await this.devices.count(scope, { status: 'accepted' })) > namespace.max_devices) return;
    await this.namespaces.updateOne(scope, { 'billing.can_connect': false } as ScopedFilter<NamespaceDocument>, {
      $set: { 'billing.can_connect': true, 'billing.updated_at': new Date() },
    } as ScopedUpdate<NamespaceDocument>);
  }

  /**
   * `GET /api/stats`: the namespace's device counts by state. Online devices are counted in Redis, not in the
   * database: all the tenant's online devices, less those online but not accepted (ShellHub counts accepted ones
   * only), which are few and whose uids the database gives with the pending and rejected counts.
   */
  async stats(scope: TenantScope): Promise<DeviceStats> {
    // One equality filter per status, not `$ne: 'accepted'`: FerretDB pushes equality down to its backend but
    // filters `$ne` itself, which streamed every accepted device of a 10,000-device namespace on each call.
    const notAcceptedStatuses = deviceStatuses.filter((status) => status !== 'accepted');
    const [registered, online, ...notAcceptedByStatus] = await Promise.all([
      this.devices.count(scope, { status: 'accepted' }),
      this.presence.countOnline(scope.tenantId),
      ...notAcceptedStatuses.map((status) => this.devices.find(scope, { status })),
    ]);
    const notAccepted = notAcceptedByStatus.flat();
    const onlineNotAccepted = await this.presence.onlineUntil(
      scope.tenantId,
      notAccepted.map((device) => device.uid),
    );
    const counted = (status: DeviceStatus) => notAccepted.filter((device) => device.status === status).length;
    return {
      registered_devices: registered,
      online_devices: Math.max(0, online - onlineNotAccepted.size),
      pending_devices: counted('pending'),
      rejected_devices: counted('rejected'),
      // Counted by the sessions lib (SessionsService.activeCount); the stats route fills it in.
      active_sessions: 0,
    };
  }

  async addTag(scope: TenantScope, uid: string, tag: string, reach: DeviceReach = 'any'): Promise<void> {
    const device = await this.device(scope, uid, reach);
    if (device.tags.includes(tag)) throw AppException.conflict(`the device already has tag ${tag}`);
    if (device.tags.length >= MAX_TAGS) throw AppException.validation(`a device has at most ${MAX_TAGS} tags`);
    await this.devices.updateOne(scope, { uid }, { $addToSet: { tags: tag } });
  }

  async replaceTags(scope: TenantScope, uid: string, tags: string[], reach: DeviceReach = 'any'): Promise<void> {
    const distinct = [...new Set(tags)];
    if (distinct.length > MAX_TAGS) throw AppException.validation(`a device has at most ${MAX_TAGS} tags`);
    if (!(await this.devices.updateOne(scope, uidCondition(uid, reach), { $set: { tags: distinct } }))) {
      throw AppException.notFound('device');
    }
  }

  async removeTag(scope: TenantScope, uid: string, tag: string, reach: DeviceReach = 'any'): Promise<void> {
    const device = await this.device(scope, uid, reach);
    if (!device.tags.includes(tag)) throw AppException.notFound('tag');
    await this.devices.updateOne(scope, { uid }, { $pull: { tags: tag } });
  }

  /**
   * Accepts the host key a device presented in place of its pinned one: the gateway pins the new key and lets
   * people log in again. A 400 when the device has no changed key to accept.
   */
  async acceptHostKey(scope: TenantScope, uid: string): Promise<DeviceView> {
    const device = await this.device(scope, uid, 'any');
    if (!device.host_key_changed || !device.presented_host_key) {
      throw AppException.validation('the device has no changed host key to accept');
    }
    const updated = await this.devices.updateOne(
      scope,
      // Only the key that was shown: a change recorded meanwhile needs its own acceptance.
      { uid: device.uid, presented_host_key: device.presented_host_key },
      {
        $set: { pinned_host_key: device.presented_host_key, host_key_changed: false },
        $unset: { presented_host_key: '', host_key_changed_at: '' },
      },
    );
    if (!updated) throw AppException.conflict('the device presented yet another host key meanwhile; look again and accept that one');
    return this.get(scope, uid);
  }

  private async device(scope: TenantScope, uid: string, reach: DeviceReach): Promise<DeviceDocument> {
    const device = await this.devices.findOne(scope, uidCondition(uid, reach));
    if (!device) throw AppException.notFound('device');
    return device;
  }

  private async namespace(scope: TenantScope): Promise<NamespaceDocument> {
    const namespace = await this.namespaces.findOne(scope, {});
    if (!namespace) throw AppException.notFound('namespace');
    return namespace;
  }

  private async viewContext(scope: TenantScope, namespace: NamespaceDocument) {
    return {
      namespace: namespace.name,
      deviceLimitReached: await this.deviceLimitReached(scope, namespace),
    };
  }

  /**
   * ShellHub: over the limit, Cloud (billing on) answers 402, so that the UI offers a subscription; CE/EE answer 403.
   */
  private limitReached(namespace: NamespaceDocument): AppException {
    if (!this.options.billing.enabled) return AppException.forbidden('the namespace has reached its device limit');
    const plan = namespace.billing?.active ? 'its plan' : 'the free plan';
    return new AppException(
      ErrorCode.PaymentRequired,
      `namespace ${namespace.name} has reached the ${namespace.max_devices} accepted devices of ${plan}: subscribe (or remove a device) to accept another`,
    );
  }

  /** With a paid subscription each accepted device is usage: the worker reports it to Stripe, once per acceptance. */
  private async reportAccepted(namespace: NamespaceDocument, uid: string, acceptedAt: Date): Promise<void> {
    const billing = namespace.billing;
    if (!this.options.billing.enabled || !billing?.active || !billing.customer_id || !billing.subscription_id) return;
    const eventId = `device_accept:${namespace.tenant_id}:${uid}:${acceptedAt.getTime()}`;
    await this.queue.enqueue(
      QueueName.Billing,
      BillingJobName.ReportUsage,
      {
        tenantId: namespace.tenant_id,
        action: 'device_accept',
        eventId,
        customerId: billing.customer_id,
        subscriptionId: billing.subscription_id,
        occurredAt: Math.floor(acceptedAt.getTime() / 1000),
      },
      { jobId: billingReportJobId(eventId) },
    );
  }

  /** A limit of -1 (or 0) means none. */
  private async deviceLimitReached(scope: TenantScope, namespace: NamespaceDocument): Promise<boolean> {
    if (namespace.max_devices <= 0) return false;
    return (await this.devices.count(scope, { status: 'accepted' })) >= namespace.max_devices;
  }
}
