import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { SshConfig } from '@fleetgate/config';
import { FLEETGATE_VERSION } from '@fleetgate/contracts';
import { DatabaseHealthIndicator } from '@fleetgate/data-access';
import { GatewayGauges, PresenceBatcher, TunnelEndpoint, TunnelRegistry, WebTerminalEndpoint } from '@fleetgate/gateway';
import { checkHealth, type HealthServer, startHealthServer } from '@fleetgate/observability';
import { RedisHealthIndicator } from '@fleetgate/queue';
import { SSH_CONFIG } from '../ssh.constants';
import { SshServerService } from './ssh-server.service';

/**
 * The gateway's HTTP side: `GET /healthz` (SSH listener, database, Redis), `GET /metrics` (tunnels, people's
 * sessions, pickups and streams held, as JSON), the agents' tunnel WebSockets (docs/adr/0002-reverse-tunnel.md)
 * and the browsers' web terminal WebSockets (docs/web-terminal.md), on one listener.
 */
@Injectable()
export class GatewayHealthService implements OnModuleInit, OnApplicationShutdown {
  private server?: HealthServer;

  constructor(
    @Inject(SSH_CONFIG) private readonly config: SshConfig,
    private readonly sshServer: SshServerService,
    private readonly database: DatabaseHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly tunnels: TunnelEndpoint,
    private readonly presence: PresenceBatcher,
    private readonly gauges: GatewayGauges,
    private readonly registry: TunnelRegistry,
    private readonly webTerminal: WebTerminalEndpoint,
  ) {}

  get port(): number {
    return this.server?.port ?? 0;
  }

  async onModuleInit(): Promise<void> {
    const listener = {
      name: 'ssh',
      check: async () => (this.sshServer.listening ? ('up' as const) : ('down' as const)),
    };
    this.presence.start();
    await this.tunnels.start();
    this.server = await startHealthServer(
      this.config.http.host,
      this.config.http.port,
      () => checkHealth('ssh', FLEETGATE_VERSION, [listener, this.database, this.redis]),
      (request, socket, head) =>
        this.webTerminal.handles(request)
          ? this.webTerminal.handleUpgrade(request, socket, head)
          : this.tunnels.handleUpgrade(request, socket, head),
      () => ({ tunnels: this.registry.size, ...this.gauges.snapshot() }),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.tunnels.stop();
    this.webTerminal.stop();
    await this.server?.close();
    await this.presence.stop();
  }
}
