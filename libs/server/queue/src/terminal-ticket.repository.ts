import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { createHash, randomBytes } from 'node:crypto';
import { REDIS_CONNECTION, REDIS_KEY_PREFIX } from './redis-tokens';

/** What the API vouched for when it issued a web terminal ticket: this member may open a terminal on this device. */
export interface TerminalTicket {
  tenantId: string;
  deviceUid: string;
  userId: string;
  /** The person's address as the API saw it (its trusted-proxy rules applied): the firewall judges this one. */
  clientAddress: string;
}

/**
 * Single-use, short-lived web terminal tickets (docs/web-terminal.md). A browser cannot set headers on a WebSocket
 * upgrade, so the API hands out a ticket and the gateway redeems it once; only the ticket's SHA-256 is stored, so a
 * Redis dump does not hold usable tickets.
 */
@Injectable()
export class TerminalTicketRepository {
  constructor(
    @Inject(REDIS_CONNECTION) private readonly redis: Redis,
    @Inject(REDIS_KEY_PREFIX) private readonly prefix: string,
  ) {}

  private key(ticket: string): string {
    return `${this.prefix}:terminal-ticket:${createHash('sha256').update(ticket).digest('hex')}`;
  }

  async issue(ticket: TerminalTicket, ttlSeconds: number): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    await this.redis.set(this.key(id), JSON.stringify(ticket), 'EX', ttlSeconds);
    return id;
  }

  /** The ticket's contents, once: a second redemption, an expired or an unknown ticket answer null. */
  async redeem(id: string): Promise<TerminalTicket | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return null;
    const stored = await this.redis.getdel(this.key(id));
    if (!stored) return null;
    const ticket = JSON.parse(stored) as Partial<TerminalTicket>;
    const { tenantId, deviceUid, userId, clientAddress } = ticket;
    if (typeof tenantId !== 'string' || typeof deviceUid !== 'string' || typeof userId !== 'string' || typeof clientAddress !== 'string') {
      return null;
    }
    return { tenantId, deviceUid, userId, clientAddress };
  }
}
