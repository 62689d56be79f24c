import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { SshConfig } from '@fleetgate/config';
import { FLEETGATE_VERSION } from '@fleetgate/contracts';
import { DatabaseHealthIndicator } from '@fleetgate/data-access';
import { GatewayGauges, PresenceBatcher, TunnelEndpoint, TunnelRegistry, TunnelRouter, WebTerminalEndpoint } from '@fleetgate/gateway';
import { AppMetrics, checkHealth, type HealthServer, startHealthServer } from '@fleetgate/observability';
import { RedisHealthIndicator } from '@fleetgate/queue';
import { SSH_CONFIG } from '../ssh.constants';
import { gatewayIndex, pickupUrl } from './pickup-address';
import { SshServerService } from './ssh-server.service';

/**
 * The gateway's HTTP side: `GET /healthz` and `/readyz` (SSH listener, database, Redis), `GET /livez`, `GET /metrics`
 * (Prometheus: live tunnels, people's sessions, SSH connections, pickups and streams held, event-loop delay; the
 * same counters as JSON with `?format=json`), the agents' tunnel WebSockets (docs/adr/0002-reverse-tunnel.md)
 * and the browsers' web terminal WebSockets (docs/web-terminal.md), on one listener. One of several processes on a
 * machine shares that listener's port and also listens on a port of its own, where its agents' pickups come
 * (docs/adr/0011-gateway-processes.md).
 */
@Injectable()
export class GatewayHealthService implements OnModuleInit, OnApplicationShutdown {
  private server?: HealthServer;
  private readonly metrics = new AppMetrics('ssh');
  private pickupServer?: HealthServer;

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
    private readonly router: TunnelRouter,
  ) {}

  get port(): number {
    return this.server?.port ?? 0;
  }

  async onModuleInit(): Promise<void> {
    const listener = {
      name: 'ssh',
      check: async () => (this.sshServer.listening ? ('up' as const) : ('down' as const)),
    };
    this.metrics.gauge('fleetgate_tunnels', 'Device control tunnels this gateway process holds', () => this.registry.size);
    this.metrics.gauge('fleetgate_ssh_connections', 'SSH connections open on this gateway process', () => this.sshServer.connectionCount);
    this.metrics.gauge('fleetgate_sessions', 'People’s sessions open on this gateway process', () => this.gauges.snapshot().sessions);
    this.metrics.gauge('fleetgate_tunnel_pickups_waiting', 'Streams asked of devices and not yet picked up', () => this.gauges.snapshot().pickupsWaiting);
    this.metrics.gauge('fleetgate_tunnel_streams_open', 'Tunnel streams open', () => this.gauges.snapshot().streamsOpen);
    this.presence.start();
    await this.tunnels.start();
    const report = () => checkHealth('ssh', FLEETGATE_VERSION, [listener, this.database, this.redis]);
    const upgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.webTerminal.handles(request)
        ? this.webTerminal.handleUpgrade(request, socket, head)
        : this.tunnels.handleUpgrade(request, socket, head);
    const metricsText = () => this.metrics.text();
    const counters = () => ({ tunnels: this.registry.size, ...this.gauges.snapshot() });
    this.server = await startHealthServer(this.config.http.host, this.config.http.port, report, upgrade, metricsText, counters);
    const index = gatewayIndex(this.config);
    if (index === undefined) {
      // Alone, local opens keep naming no URL unless one is configured: agents may come through a proxy that
      // routes /agent/* here, from where the derived address is not reachable. Peers get it either way.
      this.registry.usePickupUrl(pickupUrl(this.config, this.server.port, true), this.config.pickup.url !== undefined);
    } else {
      const port = this.config.pickup.portBase === 0 ? 0 : this.config.pickup.portBase + index;
      this.pickupServer = await startHealthServer(this.config.http.host, port, report, upgrade, metricsText, counters, {
        exclusive: true,
      });
      this.registry.usePickupUrl(pickupUrl(this.config, this.pickupServer.port, false));
    }
    await this.router.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.router.stop();
    this.tunnels.stop();
    this.webTerminal.stop();
    await Promise.all([this.server?.close(), this.pickupServer?.close()]);
    await this.presence.stop();
  }
}
