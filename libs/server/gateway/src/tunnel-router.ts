import type { Duplex } from 'node:stream';
import type { Logger } from '@fleetgate/logging';
import type { TunnelPeerMessage } from '@fleetgate/queue';
import { TunnelUnavailableError, type TunnelRegistry } from './tunnel-registry';

/** Which gateway process holds a device's control tunnel (`DevicePresenceStore.holderOf`). */
export interface TunnelHolders {
  holderOf(tenantId: string, uid: string): Promise<string | null>;
}

/** The messages between gateway processes (`TunnelPeerChannel`). */
export interface TunnelPeers {
  send(message: TunnelPeerMessage): Promise<number>;
  listen(processId: string, onMessage: (message: TunnelPeerMessage) => void): Promise<() => void>;
}

/** What a session needs of the tunnels: is the device reachable, and a stream to it. */
export interface DeviceStreams {
  isConnected(uid: string, tenantId: string): boolean | Promise<boolean>;
  openStream(uid: string, tenantId: string): Promise<Duplex>;
}

/**
 * Streams to devices whichever gateway process holds their control tunnel (docs/adr/0011-gateway-processes.md). A
 * device held here is asked directly; one held by a peer (named in Redis by the presence registration) is asked
 * through that peer, which sends its agent an `open` whose pickup URL is this process's own listener. The agent then
 * dials here, so the session's bytes flow between the agent and this process only.
 */
export class TunnelRouter implements DeviceStreams {
  private stopListening?: () => void;

  constructor(
    private readonly registry: TunnelRegistry,
    private readonly holders: TunnelHolders,
    private readonly peers: TunnelPeers,
    /** This process's id, as it registers the tunnels it holds (`PresenceBatcher.holder`). */
    private readonly self: string,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.stopListening = await this.peers.listen(this.self, (message) => this.onPeerMessage(message));
  }

  stop(): void {
    this.stopListening?.();
    this.stopListening = undefined;
  }

  async isConnected(uid: string, tenantId: string): Promise<boolean> {
    if (this.registry.isConnected(uid)) return true;
    const holder = await this.holderOf(tenantId, uid).catch(() => null);
    return holder !== null && holder !== this.self;
  }

  async openStream(uid: string, tenantId: string): Promise<Duplex> {
    if (this.registry.isConnected(uid)) return this.registry.openStream(uid);
    const holder = await this.holderOf(tenantId, uid).catch(() => {
      throw new TunnelUnavailableError('the gateway cannot reach the device now; retry later');
    });
    // Registered as ours but gone from the registry: the tunnel just closed and the release is on its way.
    if (holder === null || holder === this.self) throw new TunnelUnavailableError('device is offline');
    const url = this.registry.pickupUrl;
    // No address of our own yet (the listener is starting): the agent could not come back here.
    if (url === undefined) throw new TunnelUnavailableError('the gateway is starting; retry in a moment');
    const { id, stream } = this.registry.awaitRemotePickup(uid, tenantId, (pickupId) => {
      this.peers
        .send({ type: 'open', to: holder, from: this.self, id: pickupId, uid, tenantId, url })
        .then(
          (heard) => {
            // Nobody listens on the holder's channel: it died, and its registration has not lapsed yet.
            if (heard === 0) this.registry.cancelPickup(pickupId, 'device is offline');
          },
          (error: unknown) => {
            this.logger.warn({ err: error instanceof Error ? error.message : String(error), device: uid }, 'could not reach the gateway holding the device');
            this.registry.cancelPickup(pickupId, 'the gateway cannot reach the device now; retry later');
          },
        );
    });
    this.logger.debug({ event: 'peer-open', device: uid, holder, id }, 'asked the holding gateway for a stream');
    return stream;
  }

  private async holderOf(tenantId: string, uid: string): Promise<string | null> {
    try {
      return await this.holders.holderOf(tenantId, uid);
    } catch (error) {
      this.logger.warn({ err: error instanceof Error ? error.message : String(error), device: uid }, 'could not read who holds the device');
      throw error;
    }
  }

  private onPeerMessage(message: TunnelPeerMessage): void {
    if (message.type === 'failed') {
      this.registry.cancelPickup(message.id, message.reason);
      return;
    }
    const failed = (reason: string) =>
      void this.peers.send({ type: 'failed', to: message.from, id: message.id, reason }).catch(() => undefined);
    const sent = this.registry.forwardOpen(message.uid, message.tenantId, message.id, message.url, (reason) =>
      failed(`device could not open a stream: ${reason}`),
    );
    if (!sent) failed('device is offline');
    else this.logger.debug({ event: 'peer-forward', device: message.uid, to: message.from }, 'asked the agent for a stream for a peer');
  }
}
