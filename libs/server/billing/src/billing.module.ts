import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { DevicesModule } from '@fleetgate/devices';
import { BILLING_OPTIONS, type BillingOptions, STRIPE_CLIENT } from './billing.options';
import { BillingService } from './billing.service';
import { BillingUsageService } from './billing-usage.service';
import { BillingWebhookService } from './billing-webhook.service';
import { createStripeClient } from './stripe-client';

function billingProviders(options: BillingOptions): Provider[] {
  return [
    { provide: BILLING_OPTIONS, useValue: options },
    // No client where billing is off: nothing can reach Stripe by mistake.
    { provide: STRIPE_CLIENT, useFactory: () => (options.enabled ? createStripeClient(options.stripe) : null) },
  ];
}

/**
 * The API's billing: the contract's routes and Stripe's webhook. Needs `DataAccessModule` and `QueueModule` in the
 * application; brings the devices service along for the device choice.
 */
@Module({})
export class BillingModule {
  static forRoot(options: BillingOptions): DynamicModule {
    return {
      module: BillingModule,
      imports: [DevicesModule.forRoot({ billing: options })],
      providers: [...billingProviders(options), BillingService, BillingWebhookService],
      exports: [BillingService, BillingWebhookService],
    };
  }
}

/** The worker's billing: usage reports to Stripe. Needs nothing from the application. */
@Module({})
export class BillingUsageModule {
  static forRoot(options: BillingOptions): DynamicModule {
    return {
      module: BillingUsageModule,
      providers: [...billingProviders(options), BillingUsageService],
      exports: [BillingUsageService],
    };
  }
}
