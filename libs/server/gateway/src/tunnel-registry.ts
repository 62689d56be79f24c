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
  uid: string;
  resolve: (stream: Duplex) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class TunnelUnavailableError extends Error {}

/**
 * The agents connected to this gateway process, by device uid. A newer tunnel for a device replaces an older one
 * (a restarted agent must not wait for its dead predecessor to time out).
 */
export class TunnelRegistry {
  private readonly tunnels = new Map<string, Tunnel>();
  private readonly pickups = new Map<string, PendingPickup>();

  /** Registers a tunnel; returns the one it replaced, if any, for the caller to close. */
  add(tunnel: Tunnel): Tunnel | undefined {
    const previous = this.tunnels.get(tunnel.uid);
    this.tunnels.set(tunnel.uid, tunnel);
    return previous;
  }

  /** Forgets a tunnel if it is still the current one; returns whether the device has no tunnel left. */
  remove(tunnel: Tunnel): boolean {
    if (this.tunnels.get(tunnel.uid) === tunnel) this.tunnels.delete(tunnel.uid);
    return !this.tunnels.has(tunnel.uid);
  }

  isConnected(uid: string): boolean {
    return this.tunnels.has(uid);
  }

  get size(): number {
    return this.tunnels.size;
  }

  all(): Tunnel[] {
    return [...this.tunnels.values()];
  }

  /** Asks the device's agent for a new stream and waits until it picks it up. */
  openStream(uid: string): Promise<Duplex> {
    const tunnel = this.tunnels.get(uid);
    if (!tunnel || tunnel.control.readyState !== WebSocket.OPEN) {
      return Promise.reject(new TunnelUnavailableError('device is offline'));
    }
    const id = randomBytes(16).toString('hex');
    return new Promise<Duplex>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pickups.delete(id);
        reject(new TunnelUnavailableError('device did not answer'));
      }, PICKUP_TIMEOUT_MS);
      this.pickups.set(id, { uid, resolve, reject, timer });
      const message: GatewayMessage = { type: 'open', id };
      tunnel.control.send(JSON.stringify(message));
    });
  }

  /** The agent's pickup arrived: hand its socket to the waiting session. Refuses ids of other devices. */
  completePickup(id: string, uid: string, socket: WebSocket): boolean {
    const pending = this.pickups.get(id);
    if (!pending || pending.uid !== uid) return false;
    this.pickups.delete(id);
    clearTimeout(pending.timer);
    pending.resolve(createWebSocketStream(socket));
    return true;
  }

  failPickup(id: string, uid: string, reason: string): void {
    const pending = this.pickups.get(id);
    if (!pending || pending.uid !== uid) return;
    this.pickups.delete(id);
    clearTimeout(pending.timer);
    pending.reject(new TunnelUnavailableError(`device could not open a stream: ${reason}`));
  }
}
