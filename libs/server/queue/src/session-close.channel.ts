import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS_CONNECTION, REDIS_KEY_PREFIX } from './redis-tokens';

/** A request to end one person's live SSH session, for the gateway process that holds it. */
export interface SessionCloseRequest {
  /** The gateway process that holds the session (`sessions.gateway_id`); others ignore the request. */
  gatewayId: string;
  tenantId: string;
  uid: string;
  /** What the person's ssh prints, after "Fleetgate: ". */
  reason: string;
}

const MAX_REASON_LENGTH = 200;

/**
 * `POST /api/sessions/{uid}/close` reaches the gateway holding the session over Redis pub/sub, as tunnel revocations
 * do: the API publishes, every gateway process listens on its own connection and acts on requests naming it.
 */
@Injectable()
export class SessionCloseChannel {
  constructor(
    @Inject(REDIS_CONNECTION) private readonly redis: Redis,
    @Inject(REDIS_KEY_PREFIX) private readonly prefix: string,
  ) {}

  get channel(): string {
    return `${this.prefix}:session-close`;
  }

  /** Returns how many gateway processes heard it (0: none is listening, so no gateway holds the session). */
  async publish(request: SessionCloseRequest): Promise<number> {
    return this.redis.publish(this.channel, JSON.stringify(request));
  }

  /**
   * Calls `onRequest` for every close request published, on a connection of its own (a subscribed connection can
   * run no other command). Resolves once subscribed; call the returned function to stop.
   */
  async subscribe(onRequest: (request: SessionCloseRequest) => void): Promise<() => void> {
    const subscriber = this.redis.duplicate();
    subscriber.on('error', () => undefined);
    subscriber.on('message', (_channel: string, message: string) => {
      const request = parseCloseRequest(message);
      if (request) onRequest(request);
    });
    await subscriber.subscribe(this.channel);
    return () => subscriber.disconnect();
  }
}

function parseCloseRequest(message: string): SessionCloseRequest | null {
  try {
    const value = JSON.parse(message) as Partial<SessionCloseRequest>;
    const { gatewayId, tenantId, uid, reason } = value;
    if (typeof gatewayId !== 'string' || typeof tenantId !== 'string' || typeof uid !== 'string') return null;
    if (typeof reason !== 'string') return null;
    return { gatewayId, tenantId, uid, reason: reason.slice(0, MAX_REASON_LENGTH) };
  } catch {
    return null;
  }
}
