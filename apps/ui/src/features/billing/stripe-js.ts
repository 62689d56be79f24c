/**
 * Stripe.js, loaded from Stripe as Stripe requires (it may not be bundled), only on the billing page and only when
 * the owner adds a card: card numbers go from Stripe's own iframe to Stripe, and Fleetgate sees a payment method id.
 * Only the few calls the page makes are typed here.
 */
export interface StripeCardElement {
  mount(element: HTMLElement): void;
  destroy(): void;
  on(event: 'change', handler: (event: { complete: boolean; error?: { message: string } }) => void): void;
}

export interface StripeInstance {
  elements(): { create(type: 'card', options?: Record<string, unknown>): StripeCardElement };
  createPaymentMethod(options: { type: 'card'; card: StripeCardElement }): Promise<{
    paymentMethod?: { id: string };
    error?: { message?: string };
  }>;
}

type StripeFactory = (publishableKey: string) => StripeInstance;

export const stripeJsUrl = 'https://js.stripe.com/v3/';

let loading: Promise<StripeFactory> | null = null;

function loadScript(): Promise<StripeFactory> {
  const existing = (globalThis as { Stripe?: StripeFactory }).Stripe;
  if (existing) return Promise.resolve(existing);
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = stripeJsUrl;
    script.async = true;
    script.onload = () => {
      const factory = (globalThis as { Stripe?: StripeFactory }).Stripe;
      if (factory) resolve(factory);
      else reject(new Error('Stripe.js loaded without defining Stripe'));
    };
    script.onerror = () => reject(new Error('Stripe.js could not be loaded: check the connection to js.stripe.com'));
    document.head.appendChild(script);
  });
}

/** Stripe.js for `publishableKey`; the script is fetched once per page load, and again after a failed attempt. */
export async function loadStripe(publishableKey: string): Promise<StripeInstance> {
  loading ??= loadScript().catch((error: unknown) => {
    loading = null;
    throw error;
  });
  return (await loading)(publishableKey);
}
