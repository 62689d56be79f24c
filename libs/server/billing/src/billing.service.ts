import { Inject, Injectable } from '@nestjs/common';
import type Stripe from 'stripe';
import {
  BillingJobName,
  type BillingReportAction,
  billingReportJobId,
  type BillingReportPayload,
  ErrorCode,
  QueueName,
} from '@fleetgate/contracts';
import {
  DevicesRepository,
  type NamespaceBilling,
  type NamespaceDocument,
  NamespacesRepository,
  type ScopedFilter,
  type ScopedUpdate,
  type TenantScope,
  UsersRepository,
} from '@fleetgate/data-access';
import { type DeviceView, DevicesService } from '@fleetgate/devices';
import { AppException } from '@fleetgate/errors';
import type { AuthenticatedMember } from '@fleetgate/identity';
import { DeviceAdmissionRepository, QueueProducer } from '@fleetgate/queue';
import { BILLING_OPTIONS, type BillingOptions, STRIPE_CLIENT } from './billing.options';
import { type Capacity, capacityOf, deviceLimitOf, invoiceFacts, isActiveStatus, subscriptionFacts } from './billing-state';
import { derivedIdempotencyKey, requestIdempotencyKey } from './idempotency-key';

/** A card as the contract shows it. Stripe holds the card: we only ever see its brand, last digits and expiry. */
export interface PaymentMethodView {
  id: string;
  /** The last four digits. */
  number: string;
  brand: string;
  exp_month: number;
  exp_year: number;
  /** Never known to Fleetgate: card data stays with Stripe (Stripe.js in the browser). Always empty. */
  cvc: string;
  default: boolean;
}

export interface CustomerView {
  id: string;
  name: string;
  email: string;
  payment_methods: PaymentMethodView[];
}

export interface InvoiceView {
  id: string;
  status: string;
  currency: string;
  /** In the currency's smallest unit (cents). */
  amount: number;
}

export interface SubscriptionView {
  id: string;
  active: boolean;
  status: string;
  /** Unix seconds of the current period's end; 0 when unknown. */
  end_at: number;
  invoices: InvoiceView[];
}

const INVOICES_SHOWN = 12;
const PAYMENT_METHODS_SHOWN = 20;

/** The billing routes' logic (ShellHub Cloud's billing contract, shellhub-behaviour 3.18). */
@Injectable()
export class BillingService {
  constructor(
    @Inject(BILLING_OPTIONS) private readonly options: BillingOptions,
    @Inject(STRIPE_CLIENT) private readonly client: Stripe | null,
    private readonly namespaces: NamespacesRepository,
    private readonly devices: DevicesRepository,
    private readonly users: UsersRepository,
    private readonly devicesService: DevicesService,
    private readonly queue: QueueProducer,
    private readonly admissionStates: DeviceAdmissionRepository,
  ) {}

  /** The stripe client, or the answer every billing route gives where billing is off. */
  private stripe(): Stripe {
    if (!this.options.enabled || !this.client) {
      throw new AppException(
        ErrorCode.NotFound,
        'billing is not enabled on this deployment (it needs STRIPE_SECRET_KEY, STRIPE_PRICE_IDS and STRIPE_WEBHOOK_SECRET)',
      );
    }
    return this.client;
  }

  async getCustomer(member: AuthenticatedMember): Promise<CustomerView> {
    const stripe = this.stripe();
    const customerId = this.customerIdOf(await this.namespace(member.scope));
    return this.customerView(stripe, customerId);
  }

  /** One Stripe customer per namespace, named after its owner; a second request answers 409. */
  async createCustomer(member: AuthenticatedMember): Promise<CustomerView> {
    const stripe = this.stripe();
    const namespace = await this.namespace(member.scope);
    if (namespace.billing?.customer_id) throw AppException.conflict('the namespace already has a billing customer');
    const owner = await this.users.findById(namespace.owner);
    if (!owner) throw AppException.notFound('namespace owner');
    const customer = await stripe.customers.create(
      {
        name: owner.name || owner.username,
        email: owner.email,
        metadata: { tenant_id: namespace.tenant_id, namespace: namespace.name },
      },
      // Two requests at once create one customer: Stripe answers the second with the first's result.
      { idempotencyKey: derivedIdempotencyKey('customer-create', namespace.tenant_id) },
    );
    const billing: NamespaceBilling = {
      active: false,
      status: 'inactive',
      customer_id: customer.id,
      can_connect: true,
      updated_at: new Date(),
    };
    const stored = await this.namespaces.updateOne(
      member.scope,
      { billing: { $exists: false } } as ScopedFilter<NamespaceDocument>,
      { $set: { billing } },
    );
    if (!stored) throw AppException.conflict('the namespace already has a billing customer');
    return this.customerView(stripe, customer.id, customer);
  }

  /** Attaches a payment method the browser created with Stripe.js; card numbers never reach Fleetgate. */
  async attachPaymentMethod(member: AuthenticatedMember, paymentMethodId: string): Promise<void> {
    const stripe = this.stripe();
    const customerId = this.customerIdOf(await this.namespace(member.scope));
    await stripe.paymentMethods.attach(
      paymentMethodId,
      { customer: customerId },
      { idempotencyKey: requestIdempotencyKey('payment-method-attach') },
    );
  }

  async detachPaymentMethod(member: AuthenticatedMember, paymentMethodId: string): Promise<void> {
    const stripe = this.stripe();
    const customerId = this.customerIdOf(await this.namespace(member.scope));
    await this.assertOwnPaymentMethod(stripe, customerId, paymentMethodId);
    await stripe.paymentMethods.detach(paymentMethodId, {}, { idempotencyKey: requestIdempotencyKey('payment-method-detach') });
  }

  async setDefaultPaymentMethod(member: AuthenticatedMember, paymentMethodId: string): Promise<void> {
    const stripe = this.stripe();
    const customerId = this.customerIdOf(await this.namespace(member.scope));
    await this.assertOwnPaymentMethod(stripe, customerId, paymentMethodId);
    await stripe.customers.update(
      customerId,
      { invoice_settings: { default_payment_method: paymentMethodId } },
      { idempotencyKey: requestIdempotencyKey('payment-method-default') },
    );
  }

  /**
   * Subscribes the namespace to the paid plan, charging the customer's default payment method at once: a declined
   * card is a 402, and no half-made subscription is left behind.
   */
  async createSubscription(member: AuthenticatedMember): Promise<SubscriptionView> {
    const stripe = this.stripe();
    const options = this.enabledOptions();
    const namespace = await this.namespace(member.scope);
    const customerId = this.customerIdOf(namespace);
    if (namespace.billing?.active) throw AppException.conflict('the namespace already has an active subscription');
    const previous = namespace.billing?.subscription_id;
    const subscription = await stripe.subscriptions.create(
      {
        customer: customerId,
        items: options.stripe.priceIds.map((price) => ({ price })),
        payment_behavior: 'error_if_incomplete',
        metadata: { tenant_id: namespace.tenant_id, namespace: namespace.name },
      },
      // The subscription this one replaces is part of the key: subscribing again after a cancellation is a new write.
      { idempotencyKey: derivedIdempotencyKey('subscription-create', namespace.tenant_id, customerId, previous ?? 'first') },
    );
    const facts = subscriptionFacts(subscription);
    if (!facts) throw AppException.upstreamUnavailable('Stripe failed: its subscription could not be read');
    // Stored at once, for the owner's next page; the webhook events that follow are ordered against each other.
    const active = isActiveStatus(facts.status);
    const maxDevices = deviceLimitOf(active, options.limits);
    const accepted = await this.devices.count(member.scope, { status: 'accepted' });
    await this.namespaces.updateOne(
      member.scope,
      { 'billing.subscription_id': previous ?? { $exists: false } } as ScopedFilter<NamespaceDocument>,
      {
        $set: {
          max_devices: maxDevices,
          'billing.subscription_id': facts.id,
          'billing.status': facts.status,
          'billing.active': active,
          'billing.can_connect': capacityOf(maxDevices, accepted).can_connect,
          'billing.updated_at': new Date(),
          ...(facts.currentPeriodEnd === undefined ? {} : { 'billing.current_period_end': facts.currentPeriodEnd }),
        },
      } as ScopedUpdate<NamespaceDocument>,
    );
    return this.subscriptionView(stripe, await this.namespace(member.scope));
  }

  async getSubscription(member: AuthenticatedMember): Promise<SubscriptionView> {
    const stripe = this.stripe();
    return this.subscriptionView(stripe, await this.namespace(member.scope));
  }

  /** A link to Stripe's billing portal, where the owner manages cards, invoices and cancellation on Stripe's pages. */
  async portalLink(member: AuthenticatedMember): Promise<{ url: string }> {
    const stripe = this.stripe();
    const customerId = this.customerIdOf(await this.namespace(member.scope));
    const session = await stripe.billingPortal.sessions.create(
      { customer: customerId, ...(this.options.portalReturnUrl ? { return_url: this.options.portalReturnUrl } : {}) },
      { idempotencyKey: requestIdempotencyKey('portal-session') },
    );
    return { url: session.url };
  }

  /**
   * ShellHub's evaluate: whether one more device may be accepted, and whether people may connect. The stored
   * `can_connect`, which the gateway reads, is brought up to date on the way (devices deleted since).
   */
  async evaluate(member: AuthenticatedMember): Promise<Capacity> {
    this.stripe();
    const namespace = await this.namespace(member.scope);
    const capacity = capacityOf(namespace.max_devices, await this.devices.count(member.scope, { status: 'accepted' }));
    await this.storeCanConnect(member.scope, namespace, capacity.can_connect);
    return capacity;
  }

  /**
   * Over the limit after a downgrade, the owner keeps the devices chosen; every other accepted device goes back to
   * pending, and people may connect again.
   */
  async chooseDevices(member: AuthenticatedMember, choices: string[]): Promise<Capacity> {
    this.stripe();
    const namespace = await this.namespace(member.scope);
    const chosen = [...new Set(choices)];
    if (namespace.max_devices > 0 && chosen.length > namespace.max_devices) {
      throw AppException.validation(`choose at most ${namespace.max_devices} devices, the namespace's device limit`);
    }
    const accepted = await this.devices.find(member.scope, { status: 'accepted' });
    if (namespace.max_devices <= 0 || accepted.length <= namespace.max_devices) {
      throw AppException.validation('the namespace is within its device limit: there is nothing to choose');
    }
    const acceptedUids = new Set(accepted.map((device) => device.uid));
    const unknown = chosen.filter((uid) => !acceptedUids.has(uid));
    if (unknown.length > 0) throw AppException.validation(`not accepted devices of this namespace: ${unknown.join(', ')}`);
    const demoted = accepted.filter((device) => !chosen.includes(device.uid));
    for (const device of demoted) {
      await this.admissionStates.forget(member.scope.tenantId, device.uid);
      await this.devices.updateOne(
        member.scope,
        { uid: device.uid, status: 'accepted' },
        { $set: { status: 'pending', status_updated_at: new Date() } },
      );
      // A pending device keeps its tunnel (docs/tunnel-admission.md); the gateway refuses people to it.
      await this.admissionStates.record(member.scope.tenantId, device.uid, 'pending');
    }
    return this.evaluate(member);
  }

  /**
   * Suggestions for the device choice: the accepted devices seen most recently, as many as the limit keeps. (ShellHub
   * counts sessions; Fleetgate keeps no session history yet, and the last connection is the nearest signal.)
   */
  async devicesMostUsed(member: AuthenticatedMember): Promise<DeviceView[]> {
    this.stripe();
    const namespace = await this.namespace(member.scope);
    const limit = namespace.max_devices > 0 ? namespace.max_devices : this.enabledOptions().limits.freePlan;
    const page = await this.devicesService.list(member.scope, {
      status: 'accepted',
      sortBy: 'last_seen',
      orderBy: 'desc',
      page: 1,
      perPage: limit,
    });
    return page.items;
  }

  /**
   * ShellHub's report: queues the action for the worker, which tells Stripe. `eventId` names the reported event
   * (the request's id), so that the job and Stripe's idempotency key are the same however often it is retried.
   */
  async report(member: AuthenticatedMember, action: BillingReportAction, eventId: string): Promise<string> {
    this.stripe();
    const namespace = await this.namespace(member.scope);
    const customerId = this.customerIdOf(namespace);
    if (!namespace.billing?.active || !namespace.billing.subscription_id) {
      throw new AppException(ErrorCode.PaymentRequired, 'the namespace has no active subscription to report to');
    }
    await enqueueUsageReport(this.queue, {
      tenantId: namespace.tenant_id,
      action,
      eventId: `${action}:${namespace.tenant_id}:${eventId}`,
      customerId,
      subscriptionId: namespace.billing.subscription_id,
      occurredAt: Math.floor(Date.now() / 1000),
    });
    return 'reported';
  }

  private enabledOptions(): Extract<BillingOptions, { enabled: true }> {
    if (!this.options.enabled) throw new Error('billing is off');
    return this.options;
  }

  private async storeCanConnect(scope: TenantScope, namespace: NamespaceDocument, canConnect: boolean): Promise<void> {
    if (!namespace.billing || namespace.billing.can_connect === canConnect) return;
    await this.namespaces.updateOne(scope, {}, {
      $set: { 'billing.can_connect': canConnect, 'billing.updated_at': new Date() },
    } as ScopedUpdate<NamespaceDocument>);
  }

  /** Another customer's card answers as if it did not exist (Stripe looks it up under our customer). */
  private async assertOwnPaymentMethod(stripe: Stripe, customerId: string, paymentMethodId: string): Promise<void> {
    await stripe.customers.retrievePaymentMethod(customerId, paymentMethodId);
  }

  private async namespace(scope: TenantScope): Promise<NamespaceDocument> {
    const namespace = await this.namespaces.findOne(scope, {});
    if (!namespace) throw AppException.notFound('namespace');
    return namespace;
  }

  private customerIdOf(namespace: NamespaceDocument): string {
    const customerId = namespace.billing?.customer_id;
    if (!customerId) {
      throw new AppException(ErrorCode.NotFound, 'the namespace has no billing customer yet: POST /api/billing/customer first');
    }
    return customerId;
  }

  private async customerView(stripe: Stripe, customerId: string, known?: Stripe.Customer): Promise<CustomerView> {
    const [customer, methods] = await Promise.all([
      known ?? stripe.customers.retrieve(customerId),
      stripe.customers.listPaymentMethods(customerId, { type: 'card', limit: PAYMENT_METHODS_SHOWN }),
    ]);
    if (customer.deleted) throw AppException.notFound('billing customer');
    const defaultMethod = customer.invoice_settings?.default_payment_method;
    const defaultId = typeof defaultMethod === 'string' ? defaultMethod : defaultMethod?.id;
    return {
      id: customer.id,
      name: customer.name ?? '',
      email: customer.email ?? '',
      payment_methods: methods.data.map((method) => ({
        id: method.id,
        number: method.card?.last4 ?? '',
        brand: method.card?.brand ?? method.type,
        exp_month: method.card?.exp_month ?? 0,
        exp_year: method.card?.exp_year ?? 0,
        cvc: '',
        default: method.id === defaultId,
      })),
    };
  }

  private async subscriptionView(stripe: Stripe, namespace: NamespaceDocument): Promise<SubscriptionView> {
    const billing = namespace.billing;
    if (!billing?.subscription_id) throw new AppException(ErrorCode.NotFound, 'the namespace has no subscription');
    const invoices = await stripe.invoices.list({ subscription: billing.subscription_id, limit: INVOICES_SHOWN });
    return {
      id: billing.subscription_id,
      active: billing.active,
      status: billing.status,
      end_at: billing.current_period_end ?? 0,
      invoices: invoices.data
        .map((invoice) => invoiceFacts(invoice))
        .filter((facts) => facts !== null)
        .map(({ id, status, currency, amount }) => ({ id, status, currency, amount })),
    };
  }
}

/** One job per reported event, whoever reports it. */
async function enqueueUsageReport(queue: QueueProducer, payload: BillingReportPayload): Promise<void> {
  await queue.enqueue(QueueName.Billing, BillingJobName.ReportUsage, payload, { jobId: billingReportJobId(payload.eventId) });
}
