import { decodeFilter, encodeFilter } from '../devices/device-filter';
import { auditFilterItems, auditViewFromSearchParams, auditViewToSearchParams, bucketAuditEvents, defaultAuditView } from './audit-view';

const now = Date.parse('2026-12-05T12:00:00.000Z');

describe('the audit log view', () => {
  it('turns the filters into one and-ed list, the period bounding `at`', () => {
    const items = auditFilterItems({ ...defaultAuditView, kind: 'refused', username: ' pi ', tenant: 'acme-tenant', period: '1h' }, now);
    expect(items).toEqual([
      { type: 'property', params: { name: 'kind', operator: 'eq', value: 'refused' } },
      { type: 'property', params: { name: 'username', operator: 'contains', value: 'pi' } },
      { type: 'property', params: { name: 'tenant_id', operator: 'eq', value: 'acme-tenant' } },
      { type: 'property', params: { name: 'at', operator: 'gt', value: '2026-12-05T11:00:00.000Z' } },
      { type: 'operator', params: { name: 'and' } },
    ]);
    expect(decodeFilter(encodeFilter(items) ?? '')).toEqual(items);
  });

  it('keeps the view in the address bar, only what differs from the default, and ignores what it does not know', () => {
    const view = { ...defaultAuditView, kind: 'blocked', address: '203.0.113.7', period: '7d' as const, page: 3 };
    const params = auditViewToSearchParams(view);
    expect(params.toString()).toBe('kind=blocked&address=203.0.113.7&period=7d&page=3');
    expect(auditViewFromSearchParams(params)).toEqual(view);
    expect(auditViewFromSearchParams(new URLSearchParams('period=forever&page=-2'))).toEqual(defaultAuditView);
  });
});

describe('bucketAuditEvents', () => {
  it('counts events per hour and kind over the last day, quiet hours included, leaving out what is outside', () => {
    const events = [
      { kind: 'login', at: '2026-12-05T11:10:00.000Z' },
      { kind: 'login', at: '2026-12-05T11:50:00.000Z' },
      { kind: 'refused', at: '2026-12-05T11:59:59.000Z' },
      { kind: 'refused', at: '2026-12-04T13:30:00.000Z' },
      { kind: 'login', at: '2026-12-03T12:00:00.000Z' },
      { kind: 'login', at: 'not a date' },
    ];
    const { buckets, kinds } = bucketAuditEvents(events, '24h', now, (start) => new Date(start).toISOString().slice(11, 16));
    expect(kinds).toEqual(['login', 'refused']);
    expect(buckets).toHaveLength(24);
    expect(buckets[0]).toMatchObject({ label: '12:00', login: 0, refused: 0 });
    expect(buckets[1]).toMatchObject({ label: '13:00', refused: 1 });
    expect(buckets[23]).toMatchObject({ label: '11:00', login: 2, refused: 1 });
    expect(buckets.reduce((sum, bucket) => sum + (bucket['login'] as number) + (bucket['refused'] as number), 0)).toBe(4);
  });
});
