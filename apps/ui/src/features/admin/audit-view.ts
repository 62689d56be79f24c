import type { FilterItem } from '../devices/device-filter';

/** Gateway event kinds written today (docs/gateway-administration.md, gateway-policies.md): suggestions only, any text filters. */
export const auditKinds = [
  'login',
  'auth-failed',
  'refused',
  'firewall-denied',
  'blocked',
  'client-blocked',
  'client-refused',
  'strict-kex-refused',
  'host-key-changed',
  'channel-denied',
  'mfa-passed',
  'mfa-failed',
  'mfa-refused',
  'mfa-locked-out',
  'disconnected',
];

export type AuditPeriod = '1h' | '24h' | '7d' | '30d';

/** Each period, with the width of one bar of the chart. */
export const auditPeriods: Record<AuditPeriod, { label: string; spanMs: number; bucketMs: number }> = {
  '1h': { label: 'Last hour', spanMs: 3_600_000, bucketMs: 5 * 60_000 },
  '24h': { label: 'Last 24 hours', spanMs: 86_400_000, bucketMs: 3_600_000 },
  '7d': { label: 'Last 7 days', spanMs: 7 * 86_400_000, bucketMs: 6 * 3_600_000 },
  '30d': { label: 'Last 30 days', spanMs: 30 * 86_400_000, bucketMs: 86_400_000 },
};

/** The audit list's view, kept in the address bar so that a filtered list can be shared. */
export interface AuditView {
  kind: string;
  username: string;
  address: string;
  device: string;
  tenant: string;
  period: AuditPeriod;
  page: number;
}

export const defaultAuditView: AuditView = { kind: '', username: '', address: '', device: '', tenant: '', period: '24h', page: 1 };

const textFields = ['kind', 'username', 'address', 'device', 'tenant'] as const;

export function auditViewFromSearchParams(params: URLSearchParams): AuditView {
  const period = params.get('period');
  const page = Number(params.get('page'));
  const view: AuditView = {
    ...defaultAuditView,
    period: period && period in auditPeriods ? (period as AuditPeriod) : defaultAuditView.period,
    page: Number.isInteger(page) && page > 0 ? page : 1,
  };
  for (const field of textFields) view[field] = (params.get(field) ?? '').slice(0, 200);
  return view;
}

export function auditViewToSearchParams(view: AuditView): URLSearchParams {
  const params = new URLSearchParams();
  for (const field of textFields) if (view[field].trim()) params.set(field, view[field].trim());
  if (view.period !== defaultAuditView.period) params.set('period', view.period);
  if (view.page !== 1) params.set('page', String(view.page));
  return params;
}

/**
 * The API's filter items for a view, from `now`: the kind and namespace match exactly, the other texts match as
 * substrings, and the period bounds `at`. One `and` closes them all (conditions left pending would be ORed).
 */
export function auditFilterItems(view: AuditView, now: number): FilterItem[] {
  const conditions: FilterItem[] = [];
  const kind = view.kind.trim();
  if (kind) conditions.push({ type: 'property', params: { name: 'kind', operator: 'eq', value: kind } });
  for (const name of ['username', 'address', 'device'] as const) {
    const value = view[name].trim();
    if (value) conditions.push({ type: 'property', params: { name, operator: 'contains', value } });
  }
  const tenant = view.tenant.trim();
  if (tenant) conditions.push({ type: 'property', params: { name: 'tenant_id', operator: 'eq', value: tenant } });
  const since = new Date(now - auditPeriods[view.period].spanMs).toISOString();
  conditions.push({ type: 'property', params: { name: 'at', operator: 'gt', value: since } });
  return [...conditions, { type: 'operator', params: { name: 'and' } }];
}

export interface AuditBucket {
  /** Start of the bucket, as the chart's axis shows it. */
  label: string;
  start: number;
  /** Events of each kind in the bucket; kinds absent count 0. */
  [kind: string]: string | number;
}

/**
 * Counts events per bucket and kind over [now - span, now], oldest bucket first, every bucket present (a quiet hour
 * is a zero, not a gap). Events outside the window are left out.
 */
export function bucketAuditEvents(
  events: ReadonlyArray<{ kind: string; at: string }>,
  period: AuditPeriod,
  now: number,
  formatLabel: (start: number) => string,
): { buckets: AuditBucket[]; kinds: string[] } {
  const { spanMs, bucketMs } = auditPeriods[period];
  const first = Math.floor((now - spanMs) / bucketMs) * bucketMs;
  const count = Math.max(1, Math.ceil((now - first) / bucketMs));
  const kinds = [...new Set(events.map((event) => event.kind))].sort();
  const buckets: AuditBucket[] = Array.from({ length: count }, (_, index) => {
    const start = first + index * bucketMs;
    const bucket: AuditBucket = { label: formatLabel(start), start };
    for (const kind of kinds) bucket[kind] = 0;
    return bucket;
  });
  for (const event of events) {
    const at = Date.parse(event.at);
    if (!Number.isFinite(at) || at < now - spanMs || at > now) continue;
    const index = Math.min(count - 1, Math.floor((at - first) / bucketMs));
    if (index < 0) continue;
    buckets[index][event.kind] = (buckets[index][event.kind] as number) + 1;
  }
  return { buckets, kinds };
}
