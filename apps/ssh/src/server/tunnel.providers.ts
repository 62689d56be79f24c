import type { Provider } from '@nestjs/common';
import { loadOrCreatePlatformKeys, type PlatformKeys } from '@fleetgate/auth';
import type { SshConfig } from '@fleetgate/config';
import {
  DevicePresenceRepository,
  DevicePresenceStore,
  DevicesRepository,
  NamespacesRepository,
  SessionsRepository,
} from '@fleetgate/data-access';
import { GeoLocator } from '@fleetgate/geoip';
import {
  AccessDecisionService,
  GatewayGauges,
  PresenceBatcher,
  SessionTracker,
  TargetResolver,
  TunnelAdmission,
  TunnelEndpoint,
  TunnelRegistry,
  TunnelRouter,
  TerminalTargets,
  WebTerminalEndpoint,
} from '@fleetgate/gateway';
import { createLogger, type Logger } from '@fleetgate/logging';
import {
  DeviceAdmissionRepository,
  QueueProducer,
  REDIS_CONNECTION,
  REDIS_KEY_PREFIX,
  TerminalTicketRepository,
  TunnelPeerChannel,
} from '@fleetgate/queue';
import { GatewayRecorderFactory, queueChunkSink } from '@fleetgate/recordings';
import { GATEWAY_LOGGER, PLATFORM_KEYS, SESSION_RECORDERS, SSH_CONFIG } from '../ssh.constants';
import { SshServerService } from './ssh-server.service';

type PresenceRedis = ConstructorParameters<typeof DevicePresenceStore>[0];

/** Wiring of the gateway's libs: keys, the tunnel registry, presence batching, the agents' endpoint and the web terminal. */
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
  { provide: GatewayGauges, useValue: new GatewayGauges() },
  {
    provide: AccessDecisionService,
    inject: [SSH_CONFIG],
    useFactory: (config: SshConfig) => new AccessDecisionService(config.access),
  },
  {
    provide: PresenceBatcher,
    inject: [REDIS_CONNECTION, REDIS_KEY_PREFIX, DevicePresenceRepository, SSH_CONFIG, GATEWAY_LOGGER],
    useFactory: (redis: PresenceRedis, prefix: string, repository: DevicePresenceRepository, config: SshConfig, logger: Logger) =>
      new PresenceBatcher(
        new DevicePresenceStore(redis, prefix),
        repository,
        // A short gathering window turns a reconnect storm into a few pipelines without delaying "online" visibly.
        { ...config.presence, flushMs: 200 },
        (error) => logger.warn({ err: error }, 'presence write failed, will retry'),
        (counters) => logger.debug({ event: 'presence', ...counters }, 'presence refreshed'),
      ),
  },
  {
    // Reaches devices held by the other gateway processes too (docs/adr/0011-gateway-processes.md); started by
    // GatewayHealthService once this process's pickup address is known.
    provide: TunnelRouter,
    inject: [TunnelRegistry, REDIS_CONNECTION, REDIS_KEY_PREFIX, TunnelPeerChannel, PresenceBatcher, GATEWAY_LOGGER],
    useFactory: (registry: TunnelRegistry, redis: PresenceRedis, prefix: string, peers: TunnelPeerChannel, presence: PresenceBatcher, logger: Logger) =>
      new TunnelRouter(registry, new DevicePresenceStore(redis, prefix), peers, presence.holder, logger),
  },
  {
    provide: SessionTracker,
    inject: [SessionsRepository, GeoLocator, PresenceBatcher, SSH_CONFIG, GATEWAY_LOGGER],
    useFactory: (
      repository: SessionsRepository,
      geoLocator: GeoLocator,
      presence: PresenceBatcher,
      config: SshConfig,
      logger: Logger,
    ) =>
      new SessionTracker(
        repository,
        (address) => geoLocator.locate(address),
        config.sessionRecords,
        (error, what) => logger.warn({ err: error, what }, 'session record write failed'),
        // One id per gateway process: the presence holder is it already.
        presence.holder,
      ),
  },
  {
    provide: SESSION_RECORDERS,
    inject: [NamespacesRepository, QueueProducer, PLATFORM_KEYS, SSH_CONFIG, GATEWAY_LOGGER],
    useFactory: (namespaces: NamespacesRepository, producer: QueueProducer, keys: PlatformKeys, config: SshConfig, logger: Logger) =>
      new GatewayRecorderFactory(namespaces, queueChunkSink(producer), keys.privateKeyPem, config.recording, logger),
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
  TerminalTicketRepository,
  {
    provide: WebTerminalEndpoint,
    inject: [TerminalTicketRepository, NamespacesRepository, DevicesRepository, SshServerService, GATEWAY_LOGGER],
    useFactory: (
      tickets: TerminalTicketRepository,
      namespaces: NamespacesRepository,
      devices: DevicesRepository,
      sshServer: SshServerService,
      logger: Logger,
    ) => new WebTerminalEndpoint(tickets, { targets: new TerminalTargets(namespaces, devices), gateway: sshServer, logger }),
  },
];
