import { Inject, Injectable, Logger } from '@nestjs/common';
import type Stripe from 'stripe';
import { ErrorCode } from '@fleetgate/contracts';
import {
  BillingEventsRepository,
  type BillingEventOutcome,
  type BillingStatus,
  DevicesRepository,
  type NamespaceDocument,
  NamespacesRepository,
  type ScopedFilter,
  type ScopedUpdate,
  tenantScope,
} from '@fleetgate/data-access';
import { AppException } from '@fleetgate/errors';
import { BILLING_OPTIONS, type BillingOptions, STRIPE_CLIENT } from './billing.options';
import {
  type BillingChange,
  capacityOf,
  deviceLimitOf,
  invoiceFacts,
  isActiveStatus,
  orderChange,
  subscriptionFacts,
} from './billing-state';

/** How old a signed delivery may be, in seconds (the stripe library's default): older ones may be replays. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

export type WebhookOutcome = Exclude<BillingEventOutcome, 'processing'> | 'duplicate';

interface Applied {
  outcome: Exclude<BillingEventOutcome, 'processing'>;
  tenantId?: string;
}

const subscriptionEvents = new Set([
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'customer.subscription.paused',
  'customer.subscription.resumed',
]);

/** Invoice events change the status only: a failed payment puts the subscription past due, a paid one active. */
const invoiceStatus: Record<string, BillingStatus> = {
  'invoice.paid': 'active',
  'invoice.payment_succeeded': 'active',
  'invoice.payment_failed': 'past_due',
};

/**
 * Stripe's webhook (`POST /api/billing/webhook`): verifies the signature over the raw body, then applies each
 * event once and in order to its namespace's billing state and device limit (docs/adr/0008).
 */
@Injectable()
export class BillingWebhookService {
  private readonly logger = new Logger('BillingWebhook');

  constructor(
    @Inject(BILLING_OPTIONS) private readonly options: BillingOptions,
    @Inject(STRIPE_CLIENT) private readonly client: Stripe | null,
    private readonly namespaces: NamespacesRepository,
    private readonly devices: DevicesRepository,
    private readonly events: BillingEventsRepository,
  ) {}

  async receive(rawBody: unknown, signature: string | undefined): Promise<{ received: true; outcome: WebhookOutcome }> {
    if (!this.options.enabled || !this.client) {
      throw new AppException(ErrorCode.NotFound, 'billing is not enabled on this deployment');
    }
    if (!Buffer.isBuffer(rawBody) || rawBody.length === 0) {
      throw AppException.validation('the webhook needs the JSON body exactly as Stripe sent it');
    }
    if (!signature) throw AppException.validation('the Stripe-Signature header is missing');
    // Throws StripeSignatureVerificationError for a bad or old signature: 400 through the one error mapping.
    const event = this.client.webhooks.constructEvent(
      rawBody,
      signature,
      this.options.stripe.webhookSecret,
      WEBHOOK_TOLERANCE_SECONDS,
    );
    if (!(await this.events.claim(event.id, event.type))) {
      this.logger.log({ event: event.id, type: event.type }, 'repeated Stripe event skipped');
      return { received: true, outcome: 'duplicate' };
    }
    let applied: Applied;
    try {
      applied = await this.apply(event);
    } catch (error) {
      // Given back, so that Stripe's next delivery of this event is processed.
      await this.events.release(event.id);
      throw error;
    }
    await this.events.settle(event.id, applied.outcome, applied.tenantId);
    this.logger.log({ event: event.id, type: event.type, outcome: applied.outcome, tenant: applied.tenantId }, 'Stripe event processed');
    return { received: true, outcome: applied.outcome };
  }

  private async apply(event: Stripe.Event): Promise<Applied> {
    const object: unknown = event.data.object;
    if (subscriptionEvents.has(event.type)) {
      const facts = subscriptionFacts(object);
      if (!facts) return { outcome: 'ignored' };
      const status: BillingStatus = event.type === 'customer.subscription.deleted' ? 'canceled' : facts.status;
      return this.change(facts.customerId, {
        eventId: event.id,
        eventCreated: event.created,
        subscriptionId: facts.id,
        status,
        ...(facts.currentPeriodEnd === undefined ? {} : { currentPeriodEnd: facts.currentPeriodEnd }),
      });
    }
    const statusFromInvoice = invoiceStatus[event.type];
    if (statusFromInvoice) {
      const facts = invoiceFacts(object);
      if (!facts?.subscriptionId) return { outcome: 'ignored' };
      return this.change(facts.customerId, {
        eventId: event.id,
        eventCreated: event.created,
        subscriptionId: facts.subscriptionId,
        status: statusFromInvoice,
      }, { onlyCurrentSubscription: true });
    }
    return { outcome: 'ignored' };
  }

  private async change(
    customerId: string,
    change: BillingChange,
    { onlyCurrentSubscription = false } = {},
  ): Promise<Applied> {
    if (!this.options.enabled) return { outcome: 'ignored' };
    const namespace = await this.namespaces.findByStripeCustomerUnscoped(customerId);
    if (!namespace?.billing) return { outcome: 'ignored' };
    const tenantId = namespace.tenant_id;
    const current = namespace.billing;
    // An invoice never revives a subscription that ended, nor speaks for one the namespace does not hold.
    if (onlyCurrentSubscription && (current.subscription_id !== change.subscriptionId || !current.active)) {
      return { outcome: 'ignored', tenantId };
    }
    if (orderChange(current, change) === 'stale') return { outcome: 'stale', tenantId };

    const scope = tenantScope(tenantId);
    const active = isActiveStatus(change.status);
    const maxDevices = deviceLimitOf(active, this.options.limits);
    const accepted = await this.devices.count(scope, { status: 'accepted' });
    // The event time is part of the filter: of two deliveries racing, the older one finds nothing to update.
    const updated = await this.namespaces.updateOne(
      scope,
      {
        'billing.customer_id': customerId,
        $or: [{ 'billing.event_created': { $exists: false } }, { 'billing.event_created': { $lte: change.eventCreated } }],
      } as ScopedFilter<NamespaceDocument>,
      {
        $set: {
          max_devices: maxDevices,
          'billing.status': change.status,
          'billing.active': active,
          'billing.subscription_id': change.subscriptionId,
          'billing.can_connect': capacityOf(maxDevices, accepted).can_connect,
          'billing.event_created': change.eventCreated,
          'billing.event_id': change.eventId,
          'billing.updated_at': new Date(),
          ...(change.currentPeriodEnd === undefined ? {} : { 'billing.current_period_end': change.currentPeriodEnd }),
        },
      } as ScopedUpdate<NamespaceDocument>,
    );
    return { outcome: updated ? 'applied' : 'stale', tenantId };
  }
}
