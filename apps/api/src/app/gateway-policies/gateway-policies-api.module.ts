import { Module } from '@nestjs/common';
import { GatewayPoliciesModule } from '@fleetgate/gateway';
import { GatewayPoliciesController } from './gateway-policies.controller';

@Module({ imports: [GatewayPoliciesModule], controllers: [GatewayPoliciesController] })
export class GatewayPoliciesApiModule {}
