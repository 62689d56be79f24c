import type { DeviceLimits } from '@fleetgate/config';
import { type BillingStatus, billingStatuses, type NamespaceBilling } from '@fleetgate/data-access';

/** ShellHub Cloud: these statuses keep the paid plan (a late payment is a grace period, not a downgrade). */
const activeStatuses: ReadonlySet<BillingStatus> = new Set<BillingStatus>([
  'active',
  'trialing',
  'past_due',
  'to_cancel_at_end_of_period',
]);

export function isActiveStatus(status: BillingStatus): boolean {
  return activeStatuses.has(status);
}

/** The device limit of a namespace whose subscription is (in)active. */
export function deviceLimitOf(active: boolean, limits: DeviceLimits): number {
  return active ? limits.paidPlan : limits.freePlan;
}

export interface Capacity {
  /** Whether one more device may be accepted. */
  can_accept: boolean;
  /** Whether people may connect: false while more devices are accepted than the limit allows (after a downgrade). */
  can_connect: boolean;
}

/** A limit of -1 (or 0) means none. */
export function capacityOf(maxDevices: number, acceptedDevices: number): Capacity {
  if (maxDevices <= 0) return { can_accept: true, can_connect: true };
  return { can_accept: acceptedDevices < maxDevices, can_connect: acceptedDevices <= maxDevices };
}

const asRecord = (value: unknown): Record<string, unknown> | null =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;

const idOf = (value: unknown): string | undefined => {
  if (typeof value === 'string' && value.length > 0) return value;
  const record = asRecord(value);
  return typeof record?.['id'] === 'string' ? record['id'] : undefined;
};

const isBillingStatus = (value: unknown): value is BillingStatus =>
  typeof value === 'string' && (billingStatuses as readonly string[]).includes(value);

/** What a Stripe subscription object says about a namespace's plan. */
export interface SubscriptionFacts {
  id: string;
  customerId: string;
  status: BillingStatus;
  /** Unix seconds; absent when Stripe gave none. */
  currentPeriodEnd?: number;
}

/**
 * Reads a subscription as Stripe sends it in webhooks and answers. Stripe moved `current_period_end` onto the
 * subscription's items (API 2025-03-31): both places are read, so an endpoint pinned to an older version works too.
 */
export function subscriptionFacts(object: unknown): SubscriptionFacts | null {
  const subscription = asRecord(object);
  if (!subscription) return null;
  const id = idOf(subscription['id']);
  const customerId = idOf(subscription['customer']);
  const stripeStatus = subscription['status'];
  if (!id || !customerId || !isBillingStatus(stripeStatus)) return null;
  const status: BillingStatus =
    stripeStatus === 'active' && subscription['cancel_at_period_end'] === true ? 'to_cancel_at_end_of_period' : stripeStatus;
  const itemEnds = (asRecord(subscription['items'])?.['data'] as unknown[] | undefined)
    ?.map((item) => asRecord(item)?.['current_period_end'])
    .filter((end): end is number => typeof end === 'number');
  const topLevelEnd = subscription['current_period_end'];
  const currentPeriodEnd =
    typeof topLevelEnd === 'number' ? topLevelEnd : itemEnds && itemEnds.length > 0 ? Math.max(...itemEnds) : undefined;
  return { id, customerId, status, ...(currentPeriodEnd === undefined ? {} : { currentPeriodEnd }) };
}

/** What an invoice event says: whose, for which subscription, and how it stands. */
export interface InvoiceFacts {
  id: string;
  customerId: string;
  subscriptionId?: string;
  status: string;
  currency: string;
  /** In the currency's smallest unit. */
  amount: number;
}

/** Stripe moved the invoice's subscription under `parent.subscription_details` (API 2025-03-31); both are read. */
export function invoiceFacts(object: unknown): InvoiceFacts | null {
  const invoice = asRecord(object);
  if (!invoice) return null;
  const id = idOf(invoice['id']);
  const customerId = idOf(invoice['customer']);
  if (!id || !customerId) return null;
  const parentSubscription = asRecord(asRecord(invoice['parent'])?.['subscription_details'])?.['subscription'];
  const subscriptionId = idOf(invoice['subscription']) ?? idOf(parentSubscription);
  const amount = [invoice['amount_due'], invoice['total'], invoice['amount_paid']].find((value) => typeof value === 'number');
  return {
    id,
    customerId,
    ...(subscriptionId ? { subscriptionId } : {}),
    status: typeof invoice['status'] === 'string' ? invoice['status'] : 'draft',
    currency: typeof invoice['currency'] === 'string' ? invoice['currency'] : 'usd',
    amount: typeof amount === 'number' ? amount : 0,
  };
}

/** A change one Stripe event asks for, with what is needed to order it against the others. */
export interface BillingChange {
  eventId: string;
  /** Stripe's `created` of the event, unix seconds. */
  eventCreated: number;
  subscriptionId: string;
  status: BillingStatus;
  currentPeriodEnd?: number;
}

/**
 * Whether an event may change the namespace (docs/adr/0008): Stripe neither orders nor deduplicates deliveries.
 * An event older than the newest one applied is stale, and so is news that an old subscription ended while a newer
 * one is active. Events of the same second apply in arrival order.
 */
export function orderChange(current: NamespaceBilling | undefined, change: BillingChange): 'apply' | 'stale' {
  if (current?.event_created !== undefined && change.eventCreated < current.event_created) return 'stale';
  if (
    current?.subscription_id !== undefined &&
    current.subscription_id !== change.subscriptionId &&
    current.active &&
    !isActiveStatus(change.status)
  ) {
    return 'stale';
  }
  return 'apply';
}
