import type { Provider } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { PlatformKeys } from '@fleetgate/auth';
import type { SshConfig } from '@fleetgate/config';
import { GatewaySettingsRepository, MembershipsRepository, UsersRepository } from '@fleetgate/data-access';
import {
  AuthenticationPolicyService,
  ChannelPoliciesService,
  type GatewayPolicySource,
  GatewaySettingsCache,
} from '@fleetgate/gateway';
import { Clock, GatewaySecondFactorService, LoginLockoutService, MfaStateRepository } from '@fleetgate/identity';
import type { Logger } from '@fleetgate/logging';
import { GatewayControlRepository, REDIS_CONNECTION, REDIS_KEY_PREFIX } from '@fleetgate/queue';
import { GATEWAY_LOGGER, GATEWAY_POLICIES, PLATFORM_KEYS, SSH_CONFIG } from '../ssh.constants';

/** Wiring of the gateway's policies and settings (issue 12, items 1 to 3). */
export const policyProviders: Provider[] = [
  {
    provide: GatewaySettingsCache,
    inject: [GatewaySettingsRepository, GatewayControlRepository, SSH_CONFIG, GATEWAY_LOGGER],
    useFactory: (settings: GatewaySettingsRepository, control: GatewayControlRepository, config: SshConfig, logger: Logger) =>
      GatewaySettingsCache.withConfiguredDefaults(
        { find: () => settings.find(), subscribeToSettings: (onChange) => control.subscribeToSettings(onChange) },
        { maxAuthAttempts: config.access.maxAuthAttempts, logLevel: config.log.level },
        logger,
      ),
  },
  {
    provide: GATEWAY_POLICIES,
    inject: [ChannelPoliciesService, AuthenticationPolicyService],
    useFactory: (channels: ChannelPoliciesService, authentication: AuthenticationPolicyService): GatewayPolicySource => ({
      activeChannelPolicies: (scope) => channels.activePolicies(scope),
      authenticationPolicy: (scope) => authentication.get(scope),
    }),
  },
  {
    provide: GatewaySecondFactorService,
    inject: [UsersRepository, MembershipsRepository, REDIS_CONNECTION, REDIS_KEY_PREFIX, LoginLockoutService, Clock, PLATFORM_KEYS],
    useFactory: (
      users: UsersRepository,
      memberships: MembershipsRepository,
      redis: Redis,
      prefix: string,
      lockouts: LoginLockoutService,
      clock: Clock,
      keys: PlatformKeys,
    ) => new GatewaySecondFactorService(users, memberships, new MfaStateRepository(redis, prefix), lockouts, clock, keys),
  },
];
