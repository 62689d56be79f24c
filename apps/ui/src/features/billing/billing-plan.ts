import type { Schemas } from '../../api/client';

type Namespace = Pick<Schemas['NamespaceDto'], 'max_devices' | 'device_count' | 'billing'>;

export interface PlanSummary {
  plan: 'free' | 'paid';
  /** Stripe's subscription status, or `inactive` before any subscription. */
  status: string;
  /** "2 of 3 devices", "5 devices (no limit)". */
  usage: string;
  overLimit: boolean;
  /** False while the gateway refuses connections to the namespace (more accepted devices than the plan allows). */
  canConnect: boolean;
  /** When the current period ends, for a subscription; null when unknown. */
  periodEnd: Date | null;
  /** Whether the status asks the owner to act (a failed payment, a subscription that ended or stalled). */
  attention: boolean;
}

const attentionStatuses = new Set(['past_due', 'unpaid', 'incomplete', 'incomplete_expired', 'canceled', 'paused']);

/** What the billing page says about the namespace's plan, from the namespace document alone (every member reads it). */
export function planSummary(namespace: Namespace): PlanSummary {
  const billing = namespace.billing;
  const limit = namespace.max_devices;
  const count = namespace.device_count;
  const devices = (n: number) => `${n} device${n === 1 ? '' : 's'}`;
  return {
    plan: billing?.active ? 'paid' : 'free',
    status: billing?.status || 'inactive',
    usage: limit < 0 ? `${devices(count)} (no limit)` : `${count} of ${devices(limit)}`,
    overLimit: limit >= 0 && count > limit,
    canConnect: billing?.can_connect ?? true,
    periodEnd: billing?.current_period_end ? new Date(billing.current_period_end * 1000) : null,
    attention: attentionStatuses.has(billing?.status ?? ''),
  };
}

/** Currencies whose amounts Stripe counts in whole units, not hundredths (Stripe's "zero-decimal currencies"). */
const zeroDecimal = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);

/** An invoice amount, given in the currency's smallest unit as Stripe gives it, for people: `$10.00`. */
export function formatAmount(amount: number, currency: string, locale?: string): string {
  const code = currency.toLowerCase();
  const value = zeroDecimal.has(code) ? amount : amount / 100;
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency: code.toUpperCase() }).format(value);
  } catch {
    // An unknown currency code: still show the number.
    return `${value.toFixed(zeroDecimal.has(code) ? 0 : 2)} ${code.toUpperCase()}`;
  }
}

/** What the owner does next: set billing up, add a card, subscribe, or manage what is there. */
export type BillingStep = 'create-customer' | 'add-card' | 'subscribe' | 'manage';

export function nextBillingStep(namespace: Namespace, paymentMethods: number | null): BillingStep {
  if (!namespace.billing?.customer_id) return 'create-customer';
  if (namespace.billing.active) return 'manage';
  if (!paymentMethods) return 'add-card';
  return 'subscribe';
}
