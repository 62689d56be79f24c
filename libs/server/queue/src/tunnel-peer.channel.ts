import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS_CONNECTION, REDIS_KEY_PREFIX } from './redis-tokens';

/**
 * What gateway processes say to each other about streams (docs/adr/0011-gateway-processes.md):
 * - `open`: "send your agent of device `uid` an `open` for pickup `id`, to be picked up at `url`" (the asker's own
 *   listener), from the process a person connected to, to the process holding the device's control tunnel;
 * - `failed`: "that pickup will not come", back to the asker (`to`), when the holder has no tunnel for the device any
 *   more or the agent reported that its pickup failed.
 */
export type TunnelPeerMessage =
  | { type: 'open'; to: string; from: string; id: string; uid: string; tenantId: string; url: string }
  | { type: 'failed'; to: string; id: string; reason: string };

const MAX_REASON_LENGTH = 300;

/**
 * Redis pub/sub between gateway processes, one channel per process (`<prefix>:tunnel-peer:<holder id>`), so a
 * message reaches only the process it names and PUBLISH answers whether that process is alive (0 listeners: it is
 * gone). Redis is the trust boundary here as for tunnel revocations and session closes: whoever may publish on it
 * already controls the platform's shared state. The session's bytes never travel this way, only these messages.
 */
@Injectable()
export class TunnelPeerChannel {
  constructor(
    @Inject(REDIS_CONNECTION) private readonly redis: Redis,
    @Inject(REDIS_KEY_PREFIX) private readonly prefix: string,
  ) {}

  channelOf(processId: string): string {
    return `${this.prefix}:tunnel-peer:${processId}`;
  }

  /** Returns how many processes heard it: 0 when the named process is not running. */
  async send(message: TunnelPeerMessage): Promise<number> {
    return this.redis.publish(this.channelOf(message.to), JSON.stringify(message));
  }

  /** Calls `onMessage` for every message to `processId`, on a connection of its own; resolves once subscribed. */
  async listen(processId: string, onMessage: (message: TunnelPeerMessage) => void): Promise<() => void> {
    const subscriber = this.redis.duplicate();
    subscriber.on('error', () => undefined);
    subscriber.on('message', (_channel: string, raw: string) => {
      const message = parsePeerMessage(raw);
      if (message && message.to === processId) onMessage(message);
    });
    await subscriber.subscribe(this.channelOf(processId));
    return () => subscriber.disconnect();
  }
}

const pickupId = /^[0-9a-f]{32}$/;

export function parsePeerMessage(raw: string): TunnelPeerMessage | null {
  try {
    const value = JSON.parse(raw) as Record<string, unknown>;
    const text = (key: string) => (typeof value[key] === 'string' ? (value[key] as string) : null);
    const to = text('to');
    const id = text('id');
    if (!to || !id || !pickupId.test(id)) return null;
    if (value.type === 'failed') {
      return { type: 'failed', to, id, reason: (text('reason') ?? 'the pickup failed').slice(0, MAX_REASON_LENGTH) };
    }
    const [from, uid, tenantId, url] = [text('from'), text('uid'), text('tenantId'), text('url')];
    if (value.type !== 'open' || !from || !uid || !tenantId || !url || !/^wss?:\/\/[^\s?#]+$/.test(url)) return null;
    return { type: 'open', to, from, id, uid, tenantId, url };
  } catch {
    return null;
  }
}
