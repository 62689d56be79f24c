import Stripe from 'stripe';
import type { StripeSettings } from '@fleetgate/config';

/**
 * The stripe library's client. Every write we make carries an idempotency key of ours, so the library may retry
 * network failures safely; `endpoint` points it at stripe-mock in tests.
 */
export function createStripeClient(settings: StripeSettings): Stripe {
  return new Stripe(settings.secretKey, {
    maxNetworkRetries: 2,
    timeout: 15_000,
    telemetry: false,
    appInfo: { name: 'Fleetgate' },
    ...(settings.endpoint?.host ? { host: settings.endpoint.host } : {}),
    ...(settings.endpoint?.port ? { port: settings.endpoint.port } : {}),
    ...(settings.endpoint?.protocol ? { protocol: settings.endpoint.protocol } : {}),
  });
}

export type StripeClient = Stripe;
