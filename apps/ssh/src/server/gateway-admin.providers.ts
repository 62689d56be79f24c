import type { Provider } from '@nestjs/common';
import { type PlatformKeys, SecretBox } from '@fleetgate/auth';
import type { SshConfig } from '@fleetgate/config';
import { AuditEventsRepository, DevicesRepository, GatewayHostKeysRepository } from '@fleetgate/data-access';
import {
  GatewayHostKeyService,
  HOST_KEY_SECRET_PURPOSE,
  LiveConnectionTracker,
  StoredDeviceHostKeyChanges,
  StoredGatewayAuditSink,
} from '@fleetgate/gateway';
import type { Logger } from '@fleetgate/logging';
import { GatewayFleetRepository } from '@fleetgate/queue';
import { GATEWAY_AUDIT, GATEWAY_LOGGER, PLATFORM_KEYS, SSH_CONFIG } from '../ssh.constants';

/** Wiring of the gateway's administration: stored host keys, live connections, the stored audit log. */
export const gatewayAdminProviders: Provider[] = [
  // A factory, not a value: each application instance (two in one test process) is a gateway process of its own.
  { provide: LiveConnectionTracker, useFactory: () => new LiveConnectionTracker() },
  {
    provide: GATEWAY_AUDIT,
    inject: [AuditEventsRepository, SSH_CONFIG, GATEWAY_LOGGER],
    useFactory: (events: AuditEventsRepository, config: SshConfig, logger: Logger) =>
      new StoredGatewayAuditSink(events, config.audit, (error, dropped) =>
        logger.warn({ err: error instanceof Error ? error.message : String(error), dropped }, 'audit events not stored yet, will retry'),
      ),
  },
  {
    provide: GatewayHostKeyService,
    inject: [GatewayHostKeysRepository, PLATFORM_KEYS, GatewayFleetRepository],
    useFactory: (keys: GatewayHostKeysRepository, platformKeys: PlatformKeys, fleet: GatewayFleetRepository) =>
      new GatewayHostKeyService(keys, new SecretBox(platformKeys, HOST_KEY_SECRET_PURPOSE), () => fleet.send({ type: 'host-keys-changed' })),
  },
  {
    provide: StoredDeviceHostKeyChanges,
    inject: [DevicesRepository],
    useFactory: (devices: DevicesRepository) => new StoredDeviceHostKeyChanges(devices),
  },
];
