import { Inject, Injectable } from '@nestjs/common';
import {
  DevicePresenceStore,
  DevicesRepository,
  NamespacesRepository,
  type Page,
  type PageRequest,
  pageWindow,
  type ScopedFilter,
  type SessionDocument,
  SessionsRepository,
  type SessionType,
  type TenantScope,
  tenantScope,
} from '@fleetgate/data-access';
import { toDeviceView, type DeviceView } from '@fleetgate/devices';
import { AppException } from '@fleetgate/errors';
import { GeoLocator } from '@fleetgate/geoip';
import { type FieldAllowList, parseListFilter, parseListSort } from '@fleetgate/listing';
import { SessionCloseChannel } from '@fleetgate/queue';
import { type SessionView, toSessionView } from './session.view';

export const SESSIONS_OPTIONS = Symbol('SESSIONS_OPTIONS');

export interface SessionsOptions {
  /** A session its gateway has not kept alive for this long is no longer active (SESSION_EXPIRY_SECONDS). */
  expirySeconds: number;
}

/** What a session list may be filtered and sorted by; anything else is a 400. */
const sessionListFields: FieldAllowList = {
  uid: { path: 'uid', type: 'string' },
  device_uid: { path: 'device_uid', type: 'string' },
  username: { path: 'username', type: 'string' },
  ip_address: { path: 'ip_address', type: 'string' },
  type: { path: 'type', type: 'string' },
  term: { path: 'term', type: 'string' },
  active: { path: 'active', type: 'boolean' },
  authenticated: { path: 'authenticated', type: 'boolean' },
  recorded: { path: 'recorded', type: 'boolean' },
  started_at: { path: 'started_at', type: 'date' },
  last_seen: { path: 'last_seen', type: 'date' },
};

export const sessionSortFields = ['started_at', 'last_seen', 'username', 'ip_address', 'device_uid'] as const;
export type SessionSortField = (typeof sessionSortFields)[number];

export interface SessionListQuery extends PageRequest {
  filter?: string;
  sortBy?: SessionSortField;
  orderBy?: 'asc' | 'desc';
}

/** `POST /api/sessions`: what a gateway reports when a connection resolved its device (ShellHub's createSession). */
export interface SessionCreateRequest {
  uid: string;
  device_uid: string;
  username: string;
  ip_address: string;
  type?: SessionType;
  term?: string;
}

/** What the person's ssh prints when a member closes the session. */
const CLOSED_BY_MEMBER = 'a member of the namespace closed this session.';

/**
 * Session records for the API: the list and the detail (with the device embedded), closing a live session on
 * whichever gateway holds it, the active count for `GET /api/stats`, and the contract's internal routes that a
 * gateway of ShellHub's kind would call. Fleetgate's own gateway writes records directly (`SessionTracker`).
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly devices: DevicesRepository,
    private readonly namespaces: NamespacesRepository,
    private readonly presence: DevicePresenceStore,
    private readonly closeRequests: SessionCloseChannel,
    private readonly geoLocator: GeoLocator,
    @Inject(SESSIONS_OPTIONS) private readonly options: SessionsOptions,
  ) {}

  /** Newest first unless asked otherwise (ShellHub sorts by `started_at` descending). */
  async list(scope: TenantScope, query: SessionListQuery): Promise<Page<SessionView>> {
    const predicate = parseListFilter(query.filter, sessionListFields);
    // The predicate names only allow-listed paths, never tenant_id; the repository adds the tenant.
    const filter = (predicate ?? {}) as ScopedFilter<SessionDocument>;
    const sort = parseListSort(query.sortBy, query.orderBy, sessionListFields, {
      field: 'started_at',
      order: 'desc',
      tieBreaker: 'uid',
    });
    const [total, sessions] = await Promise.all([
      this.sessions.count(scope, filter),
      this.sessions.find(scope, filter, { sort, ...pageWindow(query) }),
    ]);
    const devices = await this.deviceViews(scope, sessions.map((session) => session.device_uid));
    const seenSince = this.seenSince();
    return {
      items: sessions.map((session) => toSessionView(session, devices.get(session.device_uid) ?? null, seenSince)),
      total,
    };
  }

  async get(scope: TenantScope, uid: string): Promise<SessionView> {
    const session = await this.session(scope, uid);
    const devices = await this.deviceViews(scope, [session.device_uid]);
    return toSessionView(session, devices.get(session.device_uid) ?? null, this.seenSince());
  }

  /** Active sessions of the namespace, for `GET /api/stats`. */
  activeCount(scope: TenantScope): Promise<number> {
    return this.sessions.countActive(scope, this.seenSince());
  }

  /**
   * `POST /api/sessions/{uid}/close`: the gateway holding the session ends it, and the person's ssh says why. The
   * record closes here too, so that a session whose gateway is gone stops counting at once; the gateway's own close
   * write then changes nothing.
   */
  async close(scope: TenantScope, uid: string, deviceUid: string): Promise<void> {
    const session = await this.session(scope, uid);
    // The contract names the device too; a session of another device is not this one.
    if (session.device_uid !== String(deviceUid).toLowerCase()) throw AppException.notFound('session');
    if (!session.active || session.last_seen < this.seenSince()) {
      throw AppException.conflict('the session has already ended');
    }
    await this.closeRequests.publish({
      gatewayId: session.gateway_id,
      tenantId: scope.tenantId,
      uid: session.uid,
      reason: CLOSED_BY_MEMBER,
    });
    await this.sessions.close(scope, session.uid);
  }

  /** `POST /api/sessions` (internal): a record for a connection that resolved its device, unauthenticated so far. */
  async createReported(request: SessionCreateRequest, gatewayId: string): Promise<SessionView> {
    const device = await this.devices.findByUidUnscoped(request.device_uid);
    if (!device) throw AppException.notFound('device');
    const scope = tenantScope(device.tenant_id);
    const now = new Date();
    if (await this.sessions.tenantOfUnscoped(request.uid)) throw AppException.conflict('a session with this uid exists');
    const ipAddress = request.ip_address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
    const created = await this.sessions.create(scope, {
      uid: request.uid,
      device_uid: device.uid,
      username: request.username,
      ip_address: ipAddress,
      started_at: now,
      last_seen: now,
      closed_at: null,
      active: true,
      authenticated: false,
      recorded: false,
      type: request.type ?? 'none',
      term: request.term ?? 'none',
      position: this.geoLocator.locate(ipAddress) ?? { latitude: 0, longitude: 0 },
      gateway_id: gatewayId,
    });
    const devices = await this.deviceViews(scope, [device.uid]);
    return toSessionView(created, devices.get(device.uid) ?? null, this.seenSince());
  }

  /** `POST /api/sessions/{uid}` (internal): ShellHub's setSessionAuthenticationStatus. */
  async setAuthenticated(uid: string, authenticated: boolean): Promise<void> {
    const scope = await this.scopeOfSession(uid);
    await this.sessions.markAuthenticated(scope, uid, authenticated);
  }

  /** `POST /api/sessions/{uid}/keepalive` (internal): the session is still there. Closed sessions stay closed. */
  async keepalive(uid: string): Promise<void> {
    const scope = await this.scopeOfSession(uid);
    await this.sessions.touch([{ tenantId: scope.tenantId, uid }], new Date());
  }

  private async scopeOfSession(uid: string): Promise<TenantScope> {
    const tenantId = await this.sessions.tenantOfUnscoped(uid);
    if (!tenantId) throw AppException.notFound('session');
    return tenantScope(tenantId);
  }

  private async session(scope: TenantScope, uid: string): Promise<SessionDocument> {
    const session = await this.sessions.findByUid(scope, uid);
    if (!session) throw AppException.notFound('session');
    return session;
  }

  /** The devices of a page of sessions, as the device routes show them: one query, one presence read. */
  private async deviceViews(scope: TenantScope, uids: string[]): Promise<Map<string, DeviceView>> {
    const distinct = [...new Set(uids)];
    const views = new Map<string, DeviceView>();
    if (distinct.length === 0) return views;
    const [namespace, devices, online] = await Promise.all([
      this.namespaces.findOne(scope, {}),
      this.devices.find(scope, { uid: { $in: distinct } }),
      this.presence.onlineUntil(scope.tenantId, distinct),
    ]);
    for (const device of devices) {
      views.set(
        device.uid,
        // A session's device is accepted, so the device limit does not change what the view says of it.
        toDeviceView(device, { namespace: namespace?.name ?? '', deviceLimitReached: false, online: online.has(device.uid) }),
      );
    }
    return views;
  }

  private seenSince(): Date {
    return new Date(Date.now() - this.options.expirySeconds * 1000);
  }
}
