import type { Provider } from '@nestjs/common';
import { loadOrCreatePlatformKeys, type PlatformKeys } from '@fleetgate/auth';
import type { SshConfig } from '@fleetgate/config';
import { DevicePresenceRepository, DevicesRepository, NamespacesRepository } from '@fleetgate/data-access';
import { PresenceBatcher, TargetResolver, TunnelAdmission, TunnelEndpoint, TunnelRegistry } from '@fleetgate/gateway';
import { DeviceAdmissionRepository } from '@fleetgate/queue';
import { createLogger, type Logger } from '@fleetgate/logging';
import { GATEWAY_LOGGER, PLATFORM_KEYS, SSH_CONFIG } from '../ssh.constants';

/** Wiring of the gateway's libs: keys, the tunnel registry, presence batching and the agents' endpoint. */
export const tunnelProviders: Provider[] = [
  {
    provide: GATEWAY_LOGGER,
    inject: [SSH_CONFIG],
    useFactory: (config: SshConfig) => createLogger({ service: 'ssh', level: config.log.level }),
  },
  {
    provide: PLATFORM_KEYS,
    inject: [SSH_CONFIG],
    useFactory: (config: SshConfig) => loadOrCreatePlatformKeys(config.platformKeyDirectory),
  },
  {
    provide: TunnelRegistry,
    inject: [SSH_CONFIG],
    useFactory: (config: SshConfig) =>
      new TunnelRegistry({ maxPendingPickupsPerDevice: config.tunnel.maxPendingPickupsPerDevice }),
  },
  {
    provide: PresenceBatcher,
    inject: [DevicePresenceRepository, GATEWAY_LOGGER],
    useFactory: (repository: DevicePresenceRepository, logger: Logger) =>
      new PresenceBatcher(repository, 2_000, (error) => logger.warn({ err: error }, 'presence write failed, will retry')),
  },
  {
    provide: TargetResolver,
    inject: [NamespacesRepository, DevicesRepository],
    useFactory: (namespaces: NamespacesRepository, devices: DevicesRepository) => new TargetResolver(namespaces, devices),
  },
  {
    provide: TunnelAdmission,
    inject: [DeviceAdmissionRepository, DevicesRepository, NamespacesRepository],
    useFactory: (admissionStates: DeviceAdmissionRepository, devices: DevicesRepository, namespaces: NamespacesRepository) =>
      new TunnelAdmission(admissionStates, devices, namespaces),
  },
  {
    provide: TunnelEndpoint,
    inject: [TunnelRegistry, PresenceBatcher, TunnelAdmission, DeviceAdmissionRepository, PLATFORM_KEYS, SSH_CONFIG, GATEWAY_LOGGER],
    useFactory: (
      registry: TunnelRegistry,
      presence: PresenceBatcher,
      admission: TunnelAdmission,
      admissionStates: DeviceAdmissionRepository,
      keys: PlatformKeys,
      config: SshConfig,
      logger: Logger,
    ) =>
      new TunnelEndpoint(registry, presence, admission, admissionStates, keys, config.tunnel, logger),
  },
];
