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
  tenantId: string;
  /** The local control tunnel that was asked; absent when a peer process holding the tunnel asked for us. */
  tunnel?: Tunnel;
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
  /**
   * The ws(s) base URL at which agents reach this process's own HTTP listener: peers name it in the `open` they
   * forward. Sent with local `open`s too unless `announcePickupUrl` is false, so that a pickup comes back to this
   * process even when several processes share the agents' public address; without it agents dial their tunnel URL.
   */
  pickupUrl?: string;
  announcePickupUrl?: boolean;
}

/** A stream asked for on behalf of a peer process: our agent must dial the peer, and a failure goes back to it. */
interface ForwardedPickup {
  uid: string;
  onFailed: (reason: string) => void;
  timer: NodeJS.Timeout;
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
  /** Picked-up streams whose control tunnel a peer process holds, so a revocation heard here ends them too. */
  private readonly remoteStreams = new Set<{ uid: string; tenantId: string; socket: WebSocket }>();
  private readonly forwarded = new Map<string, ForwardedPickup>();
  private readonly options: Required<Omit<TunnelRegistryOptions, 'pickupUrl'>> & Pick<TunnelRegistryOptions, 'pickupUrl'>;

  constructor(options: TunnelRegistryOptions = { maxPendingPickupsPerDevice: DEFAULT_MAX_PENDING_PICKUPS_PER_DEVICE }) {
    this.options = { pickupTimeoutMs: PICKUP_TIMEOUT_MS, announcePickupUrl: true, ...options };
  }

  /** Where agents reach this process for pickups (known once its listener is up); see `TunnelRegistryOptions`. */
  get pickupUrl(): string | undefined {
    return this.options.pickupUrl;
  }

  /**
   * `announce` false: local opens name no URL (one process whose agents come through a proxy that routes
   * `/agent/*` to it, where the derived address may not be reachable from outside), and only peers use it.
   */
  usePickupUrl(url: string, announce = true): void {
    this.options.pickupUrl = url.replace(/\/+$/, '');
    this.options.announcePickupUrl = announce;
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

  /** Ends the sessions this process relays for devices whose control tunnel a peer holds (a revocation). */
  terminateRemoteStreams(tenantId: string, uid?: string): void {
    for (const stream of this.remoteStreams) {
      if (stream.tenantId === tenantId && (uid === undefined || stream.uid === uid)) stream.socket.terminate();
    }
  }

  /** Asks the device's agent for a new stream and waits until it picks it up. */
  openStream(uid: string): Promise<Duplex> {
    const tunnel = this.tunnels.get(uid);
    if (!tunnel || tunnel.control.readyState !== WebSocket.OPEN) {
      return Promise.reject(new TunnelUnavailableError('device is offline'));
    }
    return this.awaitPickup(uid, tunnel.scope.tenantId, tunnel, (id) => {
      const url = this.options.announcePickupUrl ? this.options.pickupUrl : undefined;
      const message: GatewayMessage = { type: 'open', id, ...(url ? { url } : {}) };
      tunnel.control.send(JSON.stringify(message));
    }).stream;
  }

  /**
   * Waits for a stream of a device whose control tunnel a peer process holds: `ask` must make that peer send the
   * agent an `open` with this id and our pickup URL. Answers the id (for the peer) and the stream.
   */
  awaitRemotePickup(uid: string, tenantId: string, ask: (id: string) => void): { id: string; stream: Promise<Duplex> } {
    return this.awaitPickup(uid, tenantId, undefined, ask);
  }

  /**
   * A peer process asks our agent for a stream it will pick up itself (`url`). False when we hold no open tunnel for
   * the device. `onFailed` is told when the agent reports that the pickup failed, or when nothing is heard of it.
   */
  forwardOpen(uid: string, tenantId: string, id: string, url: string, onFailed: (reason: string) => void): boolean {
    const tunnel = this.tunnels.get(uid);
    if (!tunnel || tunnel.scope.tenantId !== tenantId || tunnel.control.readyState !== WebSocket.OPEN) return false;
    if (this.forwarded.has(id)) return false;
    // The peer keeps its own timeout; this only forgets the id (the agent's report may never come).
    const timer = setTimeout(() => this.forwarded.delete(id), this.options.pickupTimeoutMs);
    timer.unref();
    this.forwarded.set(id, { uid, onFailed, timer });
    const message: GatewayMessage = { type: 'open', id, url };
    tunnel.control.send(JSON.stringify(message));
    return true;
  }

  /** Fails a stream we wait for (a peer said it could not ask the agent). */
  cancelPickup(id: string, reason: string): void {
    const pending = this.pickups.get(id);
    if (pending) this.settle(id, pending).reject(new TunnelUnavailableError(reason));
  }

  /** The agent's pickup arrived: hand its socket to the waiting session. Refuses ids of other devices. */
  completePickup(id: string, uid: string, socket: WebSocket): boolean {
    const pending = this.pickups.get(id);
    if (!pending || pending.uid !== uid) return false;
    this.settle(id, pending).resolve(createWebSocketStream(socket));
    const tunnel = pending.tunnel;
    if (!tunnel) {
      const stream = { uid, tenantId: pending.tenantId, socket };
      this.remoteStreams.add(stream);
      socket.once('close', () => this.remoteStreams.delete(stream));
      return true;
    }
    const streams = this.streams.get(tunnel) ?? new Set<WebSocket>();
    this.streams.set(tunnel, streams);
    streams.add(socket);
    socket.once('close', () => {
      streams.delete(socket);
      if (streams.size === 0 && this.streams.get(tunnel) === streams) this.streams.delete(tunnel);
    });
    return true;
  }

  failPickup(id: string, uid: string, reason: string): void {
    const forwarded = this.forwarded.get(id);
    if (forwarded && forwarded.uid === uid) {
      this.forwarded.delete(id);
      clearTimeout(forwarded.timer);
      forwarded.onFailed(reason);
      return;
    }
    const pending = this.pickups.get(id);
    if (!pending || pending.uid !== uid || !pending.tunnel) return;
    this.settle(id, pending).reject(new TunnelUnavailableError(`device could not open a stream: ${reason}`));
  }

  private awaitPickup(
    uid: string,
    tenantId: string,
    tunnel: Tunnel | undefined,
    ask: (id: string) => void,
  ): { id: string; stream: Promise<Duplex> } {
    const id = randomBytes(16).toString('hex');
    if (this.pendingPickupsOf(uid) >= this.options.maxPendingPickupsPerDevice) {
      return {
        id,
        stream: Promise.reject(new TunnelUnavailableError('the device is already opening too many sessions; try again in a moment')),
      };
    }
    const stream = new Promise<Duplex>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pickups.delete(id);
        reject(new TunnelUnavailableError('device did not answer'));
      }, this.options.pickupTimeoutMs);
      this.pickups.set(id, { uid, tenantId, tunnel, resolve, reject, timer });
    });
    ask(id);
    return { id, stream };
  }

  private settle(id: string, pending: PendingPickup): PendingPickup {
    this.pickups.delete(id);
    clearTimeout(pending.timer);
    return pending;
  }

  /** Counted per device, whichever process holds its tunnel: the cap protects the device, not the tunnel. */
  private pendingPickupsOf(uid: string): number {
    let count = 0;
    for (const pending of this.pickups.values()) if (pending.uid === uid) count++;
    return count;
  }
}
