import { Module } from '@nestjs/common';
import { AuthenticationPolicyService, ChannelPoliciesService, GatewaySettingsService } from './gateway-policies.service';

/** Channel and authentication policies and the gateway settings. Needs `DataAccessModule` and `QueueModule`. */
@Module({
  providers: [ChannelPoliciesService, AuthenticationPolicyService, GatewaySettingsService],
  exports: [ChannelPoliciesService, AuthenticationPolicyService, GatewaySettingsService],
})
export class GatewayPoliciesModule {}
