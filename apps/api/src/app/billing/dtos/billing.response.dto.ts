import { ApiProperty } from '@nestjs/swagger';
import type { Capacity, CustomerView, InvoiceView, PaymentMethodView, SubscriptionView } from '@fleetgate/billing';

export class PaymentMethodDto implements PaymentMethodView {
  @ApiProperty({ example: 'pm_H9J5n2eZvKYlo2C7X1QX2Qg' })
  id!: string;

  @ApiProperty({ example: '4242', description: 'The last four digits only' })
  number!: string;

  @ApiProperty({ example: 'visa' })
  brand!: string;

  @ApiProperty({ example: 12 })
  exp_month!: number;

  @ApiProperty({ example: 2030 })
  exp_year!: number;

  @ApiProperty({ example: '', description: 'Always empty: card data stays with Stripe' })
  cvc!: string;

  @ApiProperty({ description: 'Whether invoices charge this method' })
  default!: boolean;
}

export class CustomerDto implements CustomerView {
  @ApiProperty({ example: 'cus_H9J5n2eZvKYlo2C7X1QX2Qg' })
  id!: string;

  @ApiProperty({ example: 'user' })
  name!: string;

  @ApiProperty({ example: 'user@shellhub.io' })
  email!: string;

  @ApiProperty({ type: [PaymentMethodDto] })
  payment_methods!: PaymentMethodDto[];
}

export class InvoiceDto implements InvoiceView {
  @ApiProperty({ example: 'in_1Pgc6tB7WZ01zgkWu9fdqL6I' })
  id!: string;

  @ApiProperty({ example: 'paid', enum: ['draft', 'open', 'paid', 'uncollectible', 'void'] })
  status!: string;

  @ApiProperty({ example: 'usd' })
  currency!: string;

  @ApiProperty({ example: 1000, description: 'In the currency’s smallest unit (cents)' })
  amount!: number;
}

export class SubscriptionDto implements SubscriptionView {
  @ApiProperty({ example: 'sub_H9J5n2eZvKYlo2C7X1QX2Qg' })
  id!: string;

  @ApiProperty({ example: true })
  active!: boolean;

  @ApiProperty({ example: 'active' })
  status!: string;

  @ApiProperty({ example: 31536000, description: 'Unix seconds of the current period’s end' })
  end_at!: number;

  @ApiProperty({ type: [InvoiceDto] })
  invoices!: InvoiceDto[];
}

export class EvaluationDto implements Capacity {
  @ApiProperty({ example: false, description: 'Whether one more device may be accepted' })
  can_accept!: boolean;

  @ApiProperty({ example: true, description: 'Whether people may connect to the namespace’s devices' })
  can_connect!: boolean;
}

export class PortalLinkDto {
  @ApiProperty({ example: 'https://billing.stripe.com/p/session/test_…' })
  url!: string;
}

export class WebhookReceiptDto {
  @ApiProperty({ example: true })
  received!: true;

  @ApiProperty({ enum: ['applied', 'stale', 'ignored', 'duplicate'] })
  outcome!: string;
}
