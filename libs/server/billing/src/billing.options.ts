import type { BillingSettings } from '@fleetgate/config';

/** Injection token of `BillingOptions`. */
export const BILLING_OPTIONS = Symbol('BILLING_OPTIONS');
/** Injection token of the stripe library's client; null when billing is off. */
export const STRIPE_CLIENT = Symbol('STRIPE_CLIENT');

export type BillingOptions = BillingSettings & {
  /** Where Stripe's billing portal sends the owner back to (the web UI's billing page). */
  portalReturnUrl?: string;
};
