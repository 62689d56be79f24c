import type { NamespaceBilling } from '@fleetgate/data-access';
import { capacityOf, deviceLimitOf, invoiceFacts, isActiveStatus, orderChange, subscriptionFacts } from './billing-state';

const limits = { unbilled: -1, freePlan: 3, paidPlan: -1 };

describe('billing state', () => {
  it('keeps the paid plan for active, trialing, past due and ending-at-period-end subscriptions only', () => {
    expect(['active', 'trialing', 'past_due', 'to_cancel_at_end_of_period'].every((status) => isActiveStatus(status as never))).toBe(true);
    expect(['inactive', 'canceled', 'unpaid', 'incomplete', 'incomplete_expired', 'paused'].some((status) => isActiveStatus(status as never))).toBe(false);
    expect(deviceLimitOf(true, limits)).toBe(-1);
    expect(deviceLimitOf(false, limits)).toBe(3);
  });

  it('accepts below the limit and connects up to it; no limit means both', () => {
    expect(capacityOf(3, 2)).toEqual({ can_accept: true, can_connect: true });
    expect(capacityOf(3, 3)).toEqual({ can_accept: false, can_connect: true });
    expect(capacityOf(3, 4)).toEqual({ can_accept: false, can_connect: false });
    expect(capacityOf(-1, 400)).toEqual({ can_accept: true, can_connect: true });
  });

  it('reads a subscription of the current API (period end on its items) and of older ones (on the subscription)', () => {
    expect(
      subscriptionFacts({
        id: 'sub_1',
        customer: 'cus_1',
        status: 'active',
        cancel_at_period_end: false,
        items: { data: [{ current_period_end: 100 }, { current_period_end: 200 }] },
      }),
    ).toEqual({ id: 'sub_1', customerId: 'cus_1', status: 'active', currentPeriodEnd: 200 });
    expect(subscriptionFacts({ id: 'sub_1', customer: { id: 'cus_1' }, status: 'past_due', current_period_end: 50 })).toEqual({
      id: 'sub_1',
      customerId: 'cus_1',
      status: 'past_due',
      currentPeriodEnd: 50,
    });
    expect(subscriptionFacts({ id: 'sub_1', customer: 'cus_1', status: 'active', cancel_at_period_end: true })?.status).toBe(
      'to_cancel_at_end_of_period',
    );
    expect(subscriptionFacts({ id: 'sub_1', customer: 'cus_1', status: 'exploded' })).toBeNull();
    expect(subscriptionFacts('sub_1')).toBeNull();
  });

  it('finds an invoice’s subscription where the current API puts it, and where older ones did', () => {
    expect(
      invoiceFacts({ id: 'in_1', customer: 'cus_1', status: 'paid', currency: 'usd', amount_due: 900, parent: { subscription_details: { subscription: 'sub_1' } } }),
    ).toEqual({ id: 'in_1', customerId: 'cus_1', subscriptionId: 'sub_1', status: 'paid', currency: 'usd', amount: 900 });
    expect(invoiceFacts({ id: 'in_2', customer: 'cus_1', subscription: 'sub_2', status: 'open', total: 5 })).toMatchObject({ subscriptionId: 'sub_2', amount: 5 });
  });

  describe('event order', () => {
    const current: NamespaceBilling = { active: true, status: 'active', subscription_id: 'sub_1', can_connect: true, event_created: 100 };
    const change = (eventCreated: number, status: 'active' | 'canceled', subscriptionId = 'sub_1') => ({
      eventId: 'evt',
      eventCreated,
      status,
      subscriptionId,
    });

    it('applies newer events and events of the same second, and finds older ones stale', () => {
      expect(orderChange(current, change(101, 'canceled'))).toBe('apply');
      expect(orderChange(current, change(100, 'canceled'))).toBe('apply');
      expect(orderChange(current, change(99, 'canceled'))).toBe('stale');
      expect(orderChange({ active: false, status: 'inactive', can_connect: true }, change(1, 'active'))).toBe('apply');
    });

    it('does not let the end of an old subscription end the active one', () => {
      expect(orderChange(current, change(200, 'canceled', 'sub_old'))).toBe('stale');
      expect(orderChange(current, change(200, 'active', 'sub_new'))).toBe('apply');
    });
  });
});
