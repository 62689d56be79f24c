import { z } from 'zod';

/**
 * Billing is a deployment option (issue 11). Off unless STRIPE_SECRET_KEY is set; then the price ids and the webhook
 * signing secret are required with it, so that a half-configured cloud deployment never starts. The device limits
 * apply either way: NAMESPACE_MAX_DEVICES to every new namespace when billing is off, the free plan's when it is on.
 */
export const billingVariables = {
  /** Stripe's secret (or restricted) API key; setting it turns billing on. */
  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/, 'must be a Stripe secret key (sk_live_…, sk_test_… or rk_…)')
    .optional(),
  /** The paid plan's recurring prices, comma-separated: each becomes one item of a namespace's subscription. */
  STRIPE_PRICE_IDS: z
    .string()
    .transform((value) => value.split(/[\s,]+/).filter((entry) => entry.length > 0))
    .pipe(z.array(z.string().regex(/^price_[A-Za-z0-9_]+$/, 'each entry must be a Stripe price id (price_…)')).min(1))
    .optional(),
  /** Signs the webhook deliveries of the endpoint registered in Stripe (whsec_…). */
  STRIPE_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_[A-Za-z0-9_]+$/, 'must be a Stripe webhook signing secret (whsec_…)')
    .optional(),
  /**
   * Stripe's publishable key (pk_…), which the UI's Stripe.js needs to create payment methods in the browser. Public
   * by design: `GET /info` hands it out. Optional: without it the owner manages cards on Stripe's billing portal.
   */
  STRIPE_PUBLISHABLE_KEY: z
    .string()
    .regex(/^pk_(test|live)_[A-Za-z0-9_]+$/, 'must be a Stripe publishable key (pk_live_… or pk_test_…)')
    .optional(),
  /** The Stripe billing meter that device acceptances are reported to as usage. */
  STRIPE_METER_EVENT_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'must be 1 to 100 letters, digits, "_", ".", ":" or "-"')
    .default('fleetgate_device_accepted'),
  /** Where the stripe library sends requests instead of api.stripe.com: stripe-mock in tests. */
  STRIPE_API_HOST: z.string().min(1).optional(),
  STRIPE_API_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  STRIPE_API_PROTOCOL: z.enum(['http', 'https']).optional(),
  /** Device limit of a namespace on the free plan (ShellHub Cloud's is 3). */
  FREE_PLAN_MAX_DEVICES: z.coerce.number().int().min(1).max(100_000).default(3),
  /** Device limit of a namespace with an active subscription; -1 for none. */
  PAID_PLAN_MAX_DEVICES: z.coerce.number().int().min(-1).max(1_000_000).default(-1),
  /** Device limit of every new namespace when billing is off; -1 for none (ShellHub CE). */
  NAMESPACE_MAX_DEVICES: z.coerce.number().int().min(-1).max(1_000_000).default(-1),
};

type BillingVariables = z.output<z.ZodObject<typeof billingVariables>>;

const billingTogether = ['STRIPE_SECRET_KEY', 'STRIPE_PRICE_IDS', 'STRIPE_WEBHOOK_SECRET'] as const;

/** Adds an issue naming each of the three Stripe variables that is missing when any of them is set. */
export function requireBillingTogether<T extends Partial<BillingVariables>>(env: T, context: z.RefinementCtx<T>): void {
  const present = billingTogether.filter((name) => env[name] !== undefined);
  if (present.length === 0 || present.length === billingTogether.length) return;
  for (const name of billingTogether.filter((variable) => env[variable] === undefined)) {
    context.addIssue({
      code: 'custom',
      path: [name],
      message: `is required when ${present.join(' and ')} ${present.length === 1 ? 'is' : 'are'} set: billing needs STRIPE_SECRET_KEY, STRIPE_PRICE_IDS and STRIPE_WEBHOOK_SECRET together`,
    });
  }
}

export interface StripeSettings {
  secretKey: string;
  priceIds: string[];
  webhookSecret: string;
  meterEventName: string;
  /** For the browser's Stripe.js; public, never a secret. Absent: cards are managed on Stripe's portal. */
  publishableKey?: string;
  /** An API endpoint other than Stripe's own (stripe-mock); absent in production. */
  endpoint?: { host?: string; port?: number; protocol?: 'http' | 'https' };
}

export interface DeviceLimits {
  /** Billing off: every new namespace's limit (-1 none). */
  unbilled: number;
  /** Billing on, no active subscription. */
  freePlan: number;
  /** Billing on, active subscription (-1 none). */
  paidPlan: number;
}

export type BillingSettings =
  | { enabled: false; limits: DeviceLimits }
  | { enabled: true; limits: DeviceLimits; stripe: StripeSettings };

export function billingSection(env: BillingVariables): BillingSettings {
  const limits: DeviceLimits = {
    unbilled: env.NAMESPACE_MAX_DEVICES,
    freePlan: env.FREE_PLAN_MAX_DEVICES,
    paidPlan: env.PAID_PLAN_MAX_DEVICES,
  };
  if (!env.STRIPE_SECRET_KEY || !env.STRIPE_PRICE_IDS || !env.STRIPE_WEBHOOK_SECRET) return { enabled: false, limits };
  const overridden = env.STRIPE_API_HOST !== undefined || env.STRIPE_API_PORT !== undefined || env.STRIPE_API_PROTOCOL !== undefined;
  return {
    enabled: true,
    limits,
    stripe: {
      secretKey: env.STRIPE_SECRET_KEY,
      priceIds: env.STRIPE_PRICE_IDS,
      webhookSecret: env.STRIPE_WEBHOOK_SECRET,
      meterEventName: env.STRIPE_METER_EVENT_NAME,
      ...(env.STRIPE_PUBLISHABLE_KEY ? { publishableKey: env.STRIPE_PUBLISHABLE_KEY } : {}),
      ...(overridden
        ? { endpoint: { host: env.STRIPE_API_HOST, port: env.STRIPE_API_PORT, protocol: env.STRIPE_API_PROTOCOL } }
        : {}),
    },
  };
}
