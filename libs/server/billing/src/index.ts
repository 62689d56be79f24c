export { BillingModule, BillingUsageModule } from './billing.module';
export { BILLING_OPTIONS, STRIPE_CLIENT, type BillingOptions } from './billing.options';
export {
  BillingService,
  type CustomerView,
  type InvoiceView,
  type PaymentMethodView,
  type SubscriptionView,
} from './billing.service';
export { BillingWebhookService, WEBHOOK_TOLERANCE_SECONDS, type WebhookOutcome } from './billing-webhook.service';
export { BillingUsageService, type UsageReportResult } from './billing-usage.service';
export {
  capacityOf,
  deviceLimitOf,
  invoiceFacts,
  isActiveStatus,
  orderChange,
  subscriptionFacts,
  type BillingChange,
  type Capacity,
  type InvoiceFacts,
  type SubscriptionFacts,
} from './billing-state';
export { createStripeClient, type StripeClient } from './stripe-client';
