import Stripe from 'stripe';
import type { TestContext } from './test-context';

/** The billing settings of the tests: stripe-mock accepts any well-formed key, and these ids are the tests' own. */
export const TEST_STRIPE = {
  secretKey: 'sk_test_fleetgate',
  priceIds: ['price_fleetgate_paid'],
  webhookSecret: 'whsec_fleetgate_tests',
};

/** Where stripe-mock listens (`scripts/services.sh up` starts it and writes its URL to .data/services.env). */
export function stripeMockAddress(context: TestContext): { host: string; port: number } {
  const url = context.services.stripeMockUrl;
  if (!url) throw new Error('stripe-mock is not running: run `bash scripts/services.sh up` (it writes STRIPE_MOCK_URL)');
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port) };
}

/** The api's variables for billing on, against stripe-mock; `port` overrides where the stripe library connects. */
export function billingEnvironment(context: TestContext, overrides: { port?: number } = {}): Record<string, string> {
  const { host, port } = stripeMockAddress(context);
  return {
    STRIPE_SECRET_KEY: TEST_STRIPE.secretKey,
    STRIPE_PRICE_IDS: TEST_STRIPE.priceIds.join(','),
    STRIPE_WEBHOOK_SECRET: TEST_STRIPE.webhookSecret,
    STRIPE_API_HOST: host,
    STRIPE_API_PORT: String(overrides.port ?? port),
    STRIPE_API_PROTOCOL: 'http',
  };
}

const signer = new Stripe(TEST_STRIPE.secretKey);

export interface TestEvent {
  id: string;
  type: string;
  /** Unix seconds. */
  created: number;
  object: Record<string, unknown>;
}

/** A Stripe event as Stripe delivers it, with its Stripe-Signature made by the library's test helper. */
export function signedEvent(
  event: TestEvent,
  options: { secret?: string; timestamp?: number } = {},
): { body: string; signature: string } {
  const body = JSON.stringify({
    id: event.id,
    object: 'event',
    api_version: '2026-08-26.dahlia',
    created: event.created,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: event.type,
    data: { object: event.object },
  });
  const signature = signer.webhooks.generateTestHeaderString({
    payload: body,
    secret: options.secret ?? TEST_STRIPE.webhookSecret,
    ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }),
  });
  return { body, signature };
}

/** A subscription object as the current API version shapes it (the period end on its items). */
export function subscriptionObject(
  customerId: string,
  subscriptionId: string,
  status: string,
  periodEnd = 1_900_000_000,
): Record<string, unknown> {
  return {
    id: subscriptionId,
    object: 'subscription',
    customer: customerId,
    status,
    cancel_at_period_end: false,
    items: { object: 'list', data: [{ id: 'si_test', object: 'subscription_item', current_period_end: periodEnd }] },
    metadata: {},
  };
}
