import {
  type AuditEventDocument,
  AuditEventsRepository,
  type Page,
  type PageRequest,
  pageWindow,
  type ScopedFilter,
  type TenantScope,
} from '@fleetgate/data-access';
import { type FieldAllowList, parseListFilter } from '@fleetgate/listing';

/** An audit event as the API lists it. */
export interface AuditEventView {
  id: string;
  /** Null when the event concerns no namespace (an SSHID that named nothing). */
  tenant_id: string | null;
  kind: string;
  reason: string;
  username: string;
  address: string;
  device: string;
  at: string;
}

export interface AuditListQuery extends PageRequest {
  /** The list implementation's base64 filter, over `auditEventFields`. */
  filter?: string;
  orderBy?: 'asc' | 'desc';
}

/** What audit lists may be filtered by. */
const auditEventFields: FieldAllowList = {
  kind: { path: 'kind', type: 'string' },
  reason: { path: 'reason', type: 'string' },
  username: { path: 'username', type: 'string' },
  address: { path: 'address', type: 'string' },
  device: { path: 'device', type: 'string' },
  at: { path: 'at', type: 'date' },
};

/** The instance view may also filter by namespace. */
const instanceAuditEventFields: FieldAllowList = { ...auditEventFields, tenant_id: { path: 'tenant_id', type: 'string' } };

const DAY_MS = 24 * 3600 * 1000;

/** Reads of the gateway's audit log (per namespace and instance-wide), and its retention. */
export class AuditLogService {
  constructor(private readonly events: AuditEventsRepository) {}

  async listForNamespace(scope: TenantScope, query: AuditListQuery): Promise<Page<AuditEventView>> {
    // The predicate names only allow-listed paths, never tenant_id; the repository adds the tenant.
    const filter = (parseListFilter(query.filter, auditEventFields) ?? {}) as ScopedFilter<AuditEventDocument>;
    const direction = query.orderBy === 'asc' ? 1 : -1;
    const [total, items] = await Promise.all([
      this.events.count(scope, filter),
      this.events.find(scope, filter, { sort: { at: direction, id: direction }, ...pageWindow(query) }),
    ]);
    return { items: items.map(toView), total };
  }

  async listForInstance(query: AuditListQuery): Promise<Page<AuditEventView>> {
    const predicate = parseListFilter(query.filter, instanceAuditEventFields);
    const page = await this.events.listUnscoped(predicate, query, query.orderBy ?? 'desc');
    return { items: page.items.map(toView), total: page.total };
  }

  /** Deletes events older than `retentionDays`; returns how many went. */
  expire(retentionDays: number, now = Date.now()): Promise<number> {
    return this.events.deleteOlderThanUnscoped(new Date(now - retentionDays * DAY_MS));
  }
}

function toView(event: AuditEventDocument): AuditEventView {
  return {
    id: event.id,
    tenant_id: event.tenant_id || null,
    kind: event.kind,
    reason: event.reason,
    username: event.username,
    address: event.address,
    device: event.device,
    at: new Date(event.at).toISOString(),
  };
}
