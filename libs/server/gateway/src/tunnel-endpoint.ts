import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { type PlatformKeys, verifyDeviceToken } from '@fleetgate/auth';
import { DevicesRepository, tenantScope } from '@fleetgate/data-access';
import type { Logger } from '@fleetgate/logging';
import {
  agentMessageSchema,
  type GatewayMessage,
  parseMessage,
  TUNNEL_CONTROL_PATH,
  TUNNEL_PICKUP_PATH,
} from '@fleetgate/tunnel';
import type { PresenceBatcher } from './presence-batcher';
import type { Tunnel, TunnelRegistry } from './tunnel-registry';

export interface TunnelSettings {
  pingSeconds: number;
  deadAfterSeconds: number;
}

interface Liveness {
  lastHeard: number;
  lastPing: number;
}

/**
 * The agents' side of the gateway: WebSocket upgrades for the control connection and for stream pickups, both
 * authenticated with the device token. One sweep a second pings quiet tunnels and drops silent ones.
 */
export class TunnelEndpoint {
  private readonly server = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
  private readonly liveness = new Map<Tunnel, Liveness>();
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly registry: TunnelRegistry,
    private readonly presence: PresenceBatcher,
    private readonly devices: DevicesRepository,
    private readonly keys: PlatformKeys,
    private readonly settings: TunnelSettings,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.sweeper = setInterval(() => this.sweep(), 1_000);
  }

  stop(): void {
    clearInterval(this.sweeper);
    for (const tunnel of this.registry.all()) tunnel.control.close(1012, 'gateway restarting');
    this.server.close();
  }

  /** Handles an HTTP upgrade; answers 401/404 without upgrading when the request is not a valid agent's. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(request.url ?? '/', 'http://gateway').pathname;
    const authorization = request.headers.authorization ?? '';
    const claims = authorization.startsWith('Bearer ') ? verifyDeviceToken(this.keys, authorization.slice(7)) : null;
    if (!claims) return refuse(socket, 401, 'Unauthorized');

    if (path === TUNNEL_CONTROL_PATH) {
      void this.acceptControl(request, socket, head, claims.uid, claims.tenant);
      return;
    }
    const pickup = new RegExp(`^${TUNNEL_PICKUP_PATH}/([0-9a-f]{32})$`).exec(path);
    if (pickup) {
      this.server.handleUpgrade(request, socket, head, (webSocket) => {
        if (!this.registry.completePickup(pickup[1], claims.uid, webSocket)) webSocket.close(4404, 'unknown pickup');
      });
      return;
    }
    refuse(socket, 404, 'Not Found');
  }

  private async acceptControl(request: IncomingMessage, socket: Duplex, head: Buffer, uid: string, tenantId: string): Promise<void> {
    let scope;
    try {
      scope = tenantScope(tenantId);
      const device = await this.devices.findOne(scope, { uid });
      if (!device || device.status === 'rejected' || device.status === 'removed') return refuse(socket, 403, 'Forbidden');
    } catch (error) {
      this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'tunnel refused');
      return refuse(socket, 503, 'Service Unavailable');
    }
    this.server.handleUpgrade(request, socket, head, (control) => this.onControl(control, uid, scope));
  }

  private onControl(control: WebSocket, uid: string, scope: ReturnType<typeof tenantScope>): void {
    const tunnel: Tunnel = { uid, scope, control };
    const previous = this.registry.add(tunnel);
    previous?.control.terminate();
    const now = Date.now();
    this.liveness.set(tunnel, { lastHeard: now, lastPing: now });
    this.presence.online(scope, uid);
    this.logger.info({ event: 'tunnel-up', device: uid }, 'agent connected');

    const hello: GatewayMessage = {
      type: 'hello',
      assertionKey: this.keys.publicKeyPem,
      pingSeconds: this.settings.pingSeconds,
      deadAfterSeconds: this.settings.deadAfterSeconds,
    };
    control.send(JSON.stringify(hello));

    const heard = () => {
      const liveness = this.liveness.get(tunnel);
      if (liveness) liveness.lastHeard = Date.now();
      this.presence.seen(scope, uid);
    };
    control.on('pong', heard);
    control.on('ping', heard);
    control.on('message', (data) => {
      heard();
      const message = parseMessage(agentMessageSchema, data);
      if (message?.type === 'pickup-failed') this.registry.failPickup(message.id, uid, message.reason);
    });
    control.on('error', (error) => this.logger.debug({ err: error.message, device: uid }, 'tunnel error'));
    control.on('close', () => {
      this.liveness.delete(tunnel);
      if (this.registry.remove(tunnel)) this.presence.offline(scope, uid);
      this.logger.info({ event: 'tunnel-down', device: uid }, 'agent disconnected');
    });
  }

  private sweep(): void {
    const now = Date.now();
    for (const [tunnel, liveness] of this.liveness) {
      if (now - liveness.lastHeard > this.settings.deadAfterSeconds * 1000) {
        this.logger.info({ event: 'tunnel-silent', device: tunnel.uid }, 'agent silent, dropping its tunnel');
        tunnel.control.terminate();
      } else if (now - liveness.lastPing >= this.settings.pingSeconds * 1000) {
        liveness.lastPing = now;
        tunnel.control.ping();
      }
    }
  }
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
