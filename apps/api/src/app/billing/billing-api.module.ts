import { type DynamicModule, Module } from '@nestjs/common';
import { BillingModule, type BillingOptions } from '@fleetgate/billing';
import { BillingController, BillingWebhookController } from './billing.controller';

@Module({})
export class BillingApiModule {
  static forRoot(options: BillingOptions): DynamicModule {
    return {
      module: BillingApiModule,
      imports: [BillingModule.forRoot(options)],
      controllers: [BillingController, BillingWebhookController],
    };
  }
}
