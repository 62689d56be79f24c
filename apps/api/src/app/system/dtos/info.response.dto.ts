import { ApiProperty } from '@nestjs/swagger';
import type { InstanceInfo, PublicBilling, PublicEndpoints } from '../system.service';

class EndpointsDto implements PublicEndpoints {
  @ApiProperty({ example: 'fleetgate.example:443', description: 'Where clients reach the API' })
  api!: string;

  @ApiProperty({ example: 'fleetgate.example:22', description: 'Where users SSH to' })
  ssh!: string;

  @ApiProperty({
    example: 'wss://fleetgate.example/ssh',
    description: 'Where agents open their reverse tunnel',
  })
  tunnel!: string;
}

class PublicBillingDto implements PublicBilling {
  @ApiProperty({ description: 'Whether billing (Stripe) is on for this deployment' })
  enabled!: boolean;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'pk_live_51H…',
    description: 'Stripe’s publishable key, for Stripe.js in the browser; null when billing is off or none is set',
  })
  publishable_key!: string | null;
}

export class InfoDto implements InstanceInfo {
  @ApiProperty({ example: '0.1.0' })
  version!: string;

  @ApiProperty({ type: EndpointsDto })
  endpoints!: EndpointsDto;

  @ApiProperty({ description: 'Whether the instance has been set up (it has a user)' })
  setup!: boolean;

  @ApiProperty({ type: PublicBillingDto })
  billing!: PublicBillingDto;
}
