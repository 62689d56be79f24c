import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { type PlatformKeys, verifyDeviceToken } from '@fleetgate/auth';
import { tenantScope } from '@fleetgate/data-access';
import type { Logger } from '@fleetgate/logging';
import type { DeviceAdmissionRepository, TunnelRevocation } from '@fleetgate/queue';
import {
  agentMessageSchema,
  type GatewayMessage,
  LAST_SEEN_INTERVAL_SECONDS,
  parseMessage,
  TUNNEL_CONTROL_PATH,
  TUNNEL_PICKUP_PATH,
} from '@fleetgate/tunnel';
import type { PresenceBatcher } from './presence-batcher';
import type { TunnelAdmission } from './tunnel-admission';
import type { Tunnel, TunnelRegistry } from './tunnel-registry';

export interface TunnelSettings {
  /** The gateway pings each tunnel this often. */
  pingSeconds: number;
  /** A tunnel that answers none of this many pings in a row (silent for pingSeconds × missedPings) is dead. */
  missedPings: number;
}

interface Liveness {
  lastHeard: number;
  lastPing: number;
  lastSeenReported: number;
}

/** Close code of a tunnel whose device may no longer hold one (an application code, 4000–4999). */
export const TUNNEL_REVOKED_CLOSE_CODE = 4403;

/**
 * The agents' side of the gateway: WebSocket upgrades for the control connection and for stream pickups, both
 * authenticated with the device token. A sweep pings quiet tunnels and drops silent ones; revocations published by
 * the API close the tunnels of devices that were rejected or deleted, or whose namespace was deleted.
 */
export class TunnelEndpoint {
  private readonly server = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
  private readonly liveness = new Map<Tunnel, Liveness>();
  private sweeper?: NodeJS.Timeout;
  private unsubscribe?: () => void;

  constructor(
    private readonly registry: TunnelRegistry,
    private readonly presence: PresenceBatcher,
    private readonly admission: TunnelAdmission,
    private readonly admissionStates: DeviceAdmissionRepository,
    private readonly keys: PlatformKeys,
    private readonly settings: TunnelSettings,
    private readonly logger: Logger,
  ) {}

  private get pingMs(): number {
    return this.settings.pingSeconds * 1000;
  }

  private get deadAfterMs(): number {
    return this.settings.pingSeconds * this.settings.missedPings * 1000;
  }

  async start(): Promise<void> {
    // Several checks per ping interval, so a silent tunnel is dropped close to its deadline.
    this.sweeper = setInterval(() => this.sweep(), Math.min(1_000, this.pingMs / 4));
    this.unsubscribe = await this.admissionStates.subscribe((revocation) => this.revoke(revocation));
  }

  stop(): void {
    clearInterval(this.sweeper);
    this.unsubscribe?.();
    for (const tunnel of this.registry.all()) tunnel.control.close(1012, 'gateway restarting');
    this.server.close();
  }

  /** Handles an HTTP upgrade; answers 401/403/404 without upgrading when the request is not a valid agent's. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(request.url ?? '/', 'http://gateway').pathname;
    const authorization = request.headers.authorization ?? '';
    const claims = authorization.startsWith('Bearer ') ? verifyDeviceToken(this.keys, authorization.slice(7)) : null;
    if (!claims) return refuse(socket, 401, 'Unauthorized', 'a valid device token is required');

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
    refuse(socket, 404, 'Not Found', 'no such path');
  }

  /** Closes the tunnels a revocation names, so their devices are unreachable from this moment. */
  revoke(revocation: TunnelRevocation): void {
    for (const tunnel of this.registry.find(revocation.tenantId, revocation.uid)) {
      this.logger.info({ event: 'tunnel-revoked', device: tunnel.uid, reason: revocation.reason }, 'tunnel revoked');
      tunnel.control.close(TUNNEL_REVOKED_CLOSE_CODE, revocation.reason);
      this.registry.terminateStreams(tunnel);
      // An agent that does not answer the close must not keep the device reachable.
      setTimeout(() => tunnel.control.terminate(), 2_000).unref();
    }
    // Sessions this process relays for a device whose control tunnel a peer process holds (that peer closes it).
    this.registry.terminateRemoteStreams(revocation.tenantId, revocation.uid);
  }

  private async acceptControl(request: IncomingMessage, socket: Duplex, head: Buffer, uid: string, tenantId: string): Promise<void> {
    let scope;
    try {
      scope = tenantScope(tenantId);
      const decision = await this.admission.decide(tenantId, uid);
      if (!decision.admitted) {
        this.logger.info({ event: 'tunnel-refused', device: uid, reason: decision.reason }, 'tunnel refused');
        return refuse(socket, 403, 'Forbidden', decision.reason);
      }
    } catch (error) {
      this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'tunnel refused');
      return refuse(socket, 503, 'Service Unavailable', 'the gateway cannot check the device now; retry later');
    }
    this.server.handleUpgrade(request, socket, head, (control) => this.onControl(control, uid, scope));
  }

  private onControl(control: WebSocket, uid: string, scope: ReturnType<typeof tenantScope>): void {
    const tunnel: Tunnel = { uid, scope, control };
    const previous = this.registry.add(tunnel);
    previous?.control.terminate();
    const now = Date.now();
    this.liveness.set(tunnel, { lastHeard: now, lastPing: now, lastSeenReported: now });
    this.presence.online(scope, uid);
    this.logger.info({ event: 'tunnel-up', device: uid }, 'agent connected');

    const hello: GatewayMessage = {
      type: 'hello',
      assertionKey: this.keys.publicKeyPem,
      pingSeconds: this.settings.pingSeconds,
      deadAfterSeconds: this.deadAfterMs / 1000,
    };
    control.send(JSON.stringify(hello));

    const heard = () => {
      const liveness = this.liveness.get(tunnel);
      if (!liveness) return;
      liveness.lastHeard = Date.now();
      // Liveness pings are frequent; last_seen keeps the device's own heartbeat pace.
      if (liveness.lastHeard - liveness.lastSeenReported >= LAST_SEEN_INTERVAL_SECONDS * 1000) {
        liveness.lastSeenReported = liveness.lastHeard;
        this.presence.seen(scope, uid);
      }
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
      if (now - liveness.lastHeard > this.deadAfterMs) {
        this.logger.info({ event: 'tunnel-silent', device: tunnel.uid }, 'agent silent, dropping its tunnel');
        this.liveness.delete(tunnel);
        tunnel.control.terminate();
      } else if (now - liveness.lastPing >= this.pingMs) {
        liveness.lastPing = now;
        tunnel.control.ping();
      }
    }
  }
}

function refuse(socket: Duplex, status: number, text: string, reason: string): void {
  const body = `${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
