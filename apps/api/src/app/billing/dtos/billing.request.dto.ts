import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, Matches } from 'class-validator';
import { type BillingReportAction, billingReportActions } from '@fleetgate/contracts';

/** A payment method the browser created with Stripe.js: only its id ever reaches Fleetgate, never card data. */
export class PaymentMethodRequestDto {
  @ApiProperty({ example: 'pm_H9J5n2eZvKYlo2C7X1QX2Qg', description: 'Payment method’s ID, created in the browser by Stripe.js' })
  @Matches(/^(pm|card)_[A-Za-z0-9_]{1,250}$/, { message: 'id must be a Stripe payment method id (pm_…)' })
  id!: string;
}

export class DeviceChoiceRequestDto {
  @ApiProperty({
    type: [String],
    example: ['13b0c8ea878e61ff849db69461795006a9594c8f6a6390ce0000100b0c9d7d0a'],
    description: 'UIDs of the accepted devices to keep; every other accepted device goes back to pending',
  })
  @IsArray()
  @ArrayMaxSize(1000)
  @Matches(/^[0-9a-f]{64}$/, { each: true, message: 'each choice must be a device uid (64 lower-case hex digits)' })
  choices!: string[];
}

export class BillingReportQueryDto {
  @ApiProperty({ enum: billingReportActions })
  @IsIn(billingReportActions, { message: `action must be one of ${billingReportActions.join(', ')}` })
  action!: BillingReportAction;
}
