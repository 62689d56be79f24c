import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import WebSocket, { createWebSocketStream } from 'ws';
import { type GatewayMessage, PICKUP_TIMEOUT_MS } from '@fleetgate/tunnel';
import type { TenantScope } from '@fleetgate/data-access';

export interface Tunnel {
  uid: string;
  scope: TenantScope;
  control: WebSocket;
}

interface PendingPickup {
  tunnel: Tunnel;
  resolve: (stream: Duplex) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export interface TunnelRegistryOptions {
  /**
   * Streams a device may have asked for and not yet picked up. Each one makes the agent dial a WebSocket and, once
   * picked up, run a key exchange: without a cap one person could make a device open streams without limit.
   */
  maxPendingPickupsPerDevice: number;
  pickupTimeoutMs?: number;
}

export const DEFAULT_MAX_PENDING_PICKUPS_PER_DEVICE = 16;

export class TunnelUnavailableError extends Error {}

/**
 * The agents connected to this gateway process, by device uid. A newer tunnel for a device replaces an older one
 * (a restarted agent must not wait for its dead predecessor to time out).
 */
export class TunnelRegistry {
  private readonly tunnels = new Map<string, Tunnel>();
  private readonly pickups = new Map<string, PendingPickup>();
  /** Picked-up streams (sessions in progress) by the tunnel that opened them, so a revocation can end them too. */
  private readonly streams = new Map<Tunnel, Set<WebSocket>>();
  private readonly options: Required<TunnelRegistryOptions>;

  constructor(options: TunnelRegistryOptions = { maxPendingPickupsPerDevice: DEFAULT_MAX_PENDING_PICKUPS_PER_DEVICE }) {
    this.options = { pickupTimeoutMs: PICKUP_TIMEOUT_MS, ...options };
  }

  /** Registers a tunnel; returns the one it replaced, if any, for the caller to close. */
  add(tunnel: Tunnel): Tunnel | undefined {
    const previous = this.tunnels.get(tunnel.uid);
    this.tunnels.set(tunnel.uid, tunnel);
    return previous;
  }

  /**
   * Forgets a closed tunnel and fails the streams still waiting on it at once: its agent will never pick them up,
   * so their sessions must not wait out the pickup timeout. Returns whether the device has no tunnel left.
   */
  remove(tunnel: Tunnel): boolean {
    if (this.tunnels.get(tunnel.uid) === tunnel) this.tunnels.delete(tunnel.uid);
    for (const [id, pending] of this.pickups) {
      if (pending.tunnel === tunnel) this.settle(id, pending).reject(new TunnelUnavailableError('the device disconnected'));
    }
    return !this.tunnels.has(tunnel.uid);
  }

  isConnected(uid: string): boolean {
    return this.tunnels.has(uid);
  }

  get size(): number {
    return this.tunnels.size;
  }

  /** Streams asked for and not yet picked up, over all devices. */
  get pendingPickups(): number {
    return this.pickups.size;
  }

  all(): Tunnel[] {
    return [...this.tunnels.values()];
  }

  /** The tunnels of a namespace, or of one device of it. */
  find(tenantId: string, uid?: string): Tunnel[] {
    return this.all().filter((tunnel) => tunnel.scope.tenantId === tenantId && (uid === undefined || tunnel.uid === uid));
  }

  /** Ends the sessions running over a tunnel's streams (its device may no longer be reached). */
  terminateStreams(tunnel: Tunnel): void {
    for (const socket of this.streams.get(tunnel) ?? []) socket.terminate();
  }

  /** Asks the device's agent for a new stream and waits until it picks it up. */
  openStream(uid: string): Promise<Duplex> {
    const tunnel = this.tunnels.get(uid);
    if (!tunnel || tunnel.control.readyState !== WebSocket.OPEN) {
      return Promise.reject(new TunnelUnavailableError('device is offline'));
    }
    if (this.pendingPickupsOf(tunnel) >= this.options.maxPendingPickupsPerDevice) {
      return Promise.reject(
        new TunnelUnavailableError('the device is already opening too many sessions; try again in a moment'),
      );
    }
    const id = randomBytes(16).toString('hex');
    return new Promise<Duplex>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pickups.delete(id);
        reject(new TunnelUnavailableError('device did not answer'));
      }, this.options.pickupTimeoutMs);
      this.pickups.set(id, { tunnel, resolve, reject, timer });
      const message: GatewayMessage = { type: 'open', id };
      tunnel.control.send(JSON.stringify(message));
    });
  }

  /** The agent's pickup arrived: hand its socket to the waiting session. Refuses ids of other devices. */
  completePickup(id: string, uid: string, socket: WebSocket): boolean {
    const pending = this.pickups.get(id);
    if (!pending || pending.tunnel.uid !== uid) return false;
    this.settle(id, pending).resolve(createWebSocketStream(socket));
    const streams = this.streams.get(pending.tunnel) ?? new Set<WebSocket>();
    this.streams.set(pending.tunnel, streams);
    streams.add(socket);
    socket.once('close', () => {
      streams.delete(socket);
      if (streams.size === 0 && this.streams.get(pending.tunnel) === streams) this.streams.delete(pending.tunnel);
    });
    return true;
  }

  failPickup(id: string, uid: string, reason: string): void {
    const pending = this.pickups.get(id);
    if (!pending || pending.tunnel.uid !== uid) return;
    this.settle(id, pending).reject(new TunnelUnavailableError(`device could not open a stream: ${reason}`));
  }

  private settle(id: string, pending: PendingPickup): PendingPickup {
    this.pickups.delete(id);
    clearTimeout(pending.timer);
    return pending;
  }

  private pendingPickupsOf(tunnel: Tunnel): number {
    let count = 0;
    for (const pending of this.pickups.values()) if (pending.tunnel === tunnel) count++;
    return count;
  }
}
