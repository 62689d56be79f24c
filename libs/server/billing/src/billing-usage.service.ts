import { Inject, Injectable } from '@nestjs/common';
import type Stripe from 'stripe';
import { assertUnreachable, type BillingReportPayload } from '@fleetgate/contracts';
import { BILLING_OPTIONS, type BillingOptions, STRIPE_CLIENT } from './billing.options';
import { derivedIdempotencyKey } from './idempotency-key';

export type UsageReportResult = { reported: 'meter-event'; identifier: string } | { reported: 'subscription-canceled'; subscriptionId: string } | { reported: 'nothing'; reason: string };

/**
 * The worker's side of ShellHub's billing report: each reported event reaches Stripe once. The idempotency key
 * and the meter event's identifier both derive from the event, so a retried job never counts twice.
 */
@Injectable()
export class BillingUsageService {
  constructor(
    @Inject(BILLING_OPTIONS) private readonly options: BillingOptions,
    @Inject(STRIPE_CLIENT) private readonly client: Stripe | null,
  ) {}

  get enabled(): boolean {
    return this.options.enabled && this.client !== null;
  }

  async report(payload: BillingReportPayload): Promise<UsageReportResult> {
    if (!this.options.enabled || !this.client) return { reported: 'nothing', reason: 'billing is not enabled' };
    const stripe = this.client;
    switch (payload.action) {
      case 'device_accept': {
        // Stripe deduplicates meter events by identifier too; it is at most 100 characters.
        const identifier = derivedIdempotencyKey('meter', payload.eventId).slice(-64);
        await stripe.billing.meterEvents.create(
          {
            event_name: this.options.stripe.meterEventName,
            identifier,
            timestamp: payload.occurredAt,
            payload: { stripe_customer_id: payload.customerId, value: '1' },
          },
          { idempotencyKey: derivedIdempotencyKey('meter-event', payload.eventId) },
        );
        return { reported: 'meter-event', identifier };
      }
      case 'namespace_delete': {
        // A deleted namespace has nothing left to bill: its subscription ends now, with a final invoice.
        if (!payload.subscriptionId) return { reported: 'nothing', reason: 'the namespace had no subscription' };
        await stripe.subscriptions.cancel(
          payload.subscriptionId,
          { invoice_now: true, prorate: true },
          { idempotencyKey: derivedIdempotencyKey('subscription-cancel', payload.eventId) },
        );
        return { reported: 'subscription-canceled', subscriptionId: payload.subscriptionId };
      }
      default:
        return assertUnreachable(payload.action);
    }
  }
}
