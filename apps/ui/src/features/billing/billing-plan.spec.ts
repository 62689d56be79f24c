import { formatAmount, nextBillingStep, planSummary } from './billing-plan';

const billing = (changes: Record<string, unknown> = {}) => ({
  active: false,
  status: 'inactive',
  customer_id: 'cus_1',
  subscription_id: '',
  current_period_end: 0,
  can_connect: true,
  ...changes,
});

describe('planSummary', () => {
  it('reads the free plan and its limit from the namespace', () => {
    expect(planSummary({ max_devices: 3, device_count: 2, billing: null })).toMatchObject({
      plan: 'free',
      status: 'inactive',
      usage: '2 of 3 devices',
      overLimit: false,
      canConnect: true,
      periodEnd: null,
      attention: false,
    });
  });

  it('reads an active subscription without a limit, and its period end', () => {
    const summary = planSummary({ max_devices: -1, device_count: 1, billing: billing({ active: true, status: 'active', current_period_end: 1767225600 }) });
    expect(summary).toMatchObject({ plan: 'paid', usage: '1 device (no limit)', attention: false });
    expect(summary.periodEnd?.toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });

  it('flags a late payment (still the paid plan) and a namespace over its limit that the gateway refuses', () => {
    expect(planSummary({ max_devices: -1, device_count: 9, billing: billing({ active: true, status: 'past_due' }) })).toMatchObject({
      plan: 'paid',
      attention: true,
    });
    expect(planSummary({ max_devices: 3, device_count: 5, billing: billing({ status: 'canceled', can_connect: false }) })).toMatchObject({
      plan: 'free',
      overLimit: true,
      canConnect: false,
      attention: true,
    });
  });
});

describe('formatAmount', () => {
  it('turns Stripe’s smallest units into the currency’s, zero-decimal currencies included', () => {
    expect(formatAmount(1000, 'usd', 'en-US')).toBe('$10.00');
    expect(formatAmount(1000, 'jpy', 'en-US')).toBe('¥1,000');
    expect(formatAmount(250, 'zzz', 'en-US')).toMatch(/2\.50/);
  });
});

describe('nextBillingStep', () => {
  it('goes customer, card, subscription, then management', () => {
    expect(nextBillingStep({ max_devices: 3, device_count: 0, billing: null }, null)).toBe('create-customer');
    expect(nextBillingStep({ max_devices: 3, device_count: 0, billing: billing() }, 0)).toBe('add-card');
    expect(nextBillingStep({ max_devices: 3, device_count: 0, billing: billing() }, 1)).toBe('subscribe');
    expect(nextBillingStep({ max_devices: -1, device_count: 0, billing: billing({ active: true }) }, 1)).toBe('manage');
  });
});
