import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { SshConfig } from '@fleetgate/config';
import { FLEETGATE_VERSION } from '@fleetgate/contracts';
import {
  GatewayStatusPublisher,
  LiveConnectionTracker,
  type StoredGatewayAuditSink,
} from '@fleetgate/gateway';
import type { Logger } from '@fleetgate/logging';
import { GatewayFleetRepository } from '@fleetgate/queue';
import { GATEWAY_AUDIT, GATEWAY_LOGGER, SSH_CONFIG } from '../ssh.constants';
import { SshServerService } from './ssh-server.service';

/**
 * Publishes this process's status and live connections once the listener is up, follows the API's commands
 * (disconnect, reload host keys), and writes the audit events left at shutdown.
 */
@Injectable()
export class GatewayAdminService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly publisher: GatewayStatusPublisher;

  constructor(
    @Inject(SSH_CONFIG) config: SshConfig,
    @Inject(GATEWAY_LOGGER) logger: Logger,
    @Inject(GATEWAY_AUDIT) private readonly audit: StoredGatewayAuditSink,
    sshServer: SshServerService,
    fleet: GatewayFleetRepository,
    tracker: LiveConnectionTracker,
  ) {
    this.publisher = new GatewayStatusPublisher(
      fleet,
      tracker,
      () => ({ listening: sshServer.listening, address: `${config.ssh.host}:${sshServer.port}`, version: FLEETGATE_VERSION }),
      { refreshSeconds: config.gatewayStatus.refreshSeconds },
      {
        reloadHostKeys: () => sshServer.reloadHostKeys(),
        audit,
        onError: (error, what) => logger.warn({ err: error instanceof Error ? error.message : String(error) }, `failed ${what}`),
      },
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.publisher.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.publisher.stop();
    await this.audit.stop();
  }
}
