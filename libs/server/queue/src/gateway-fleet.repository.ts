import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS_CONNECTION, REDIS_KEY_PREFIX } from './redis-tokens';

/** One person's live connection to a gateway process, as that process last published it. */
export interface LiveConnection {
  /** `<process id>.<session id>`: names the process that holds it, so a disconnect reaches the right one. */
  id: string;
  address: string;
  /** The login the person asked for (the SSHID), once known. */
  user: string;
  /** The device's uid, once the session reached it. */
  device: string;
  /** The device's namespace, once known: members see only their namespace's connections. */
  tenantId: string;
  startedAt: string;
  bytesIn: number;
  bytesOut: number;
}

/** What each gateway process publishes about itself. */
export interface GatewayProcessStatus {
  id: string;
  hostname: string;
  pid: number;
  listening: boolean;
  /** The SSH listener's address, `host:port`. */
  address: string;
  connectionCount: number;
  startedAt: string;
  uptimeSeconds: number;
  version: string;
}

export interface GatewayProcessReport {
  status: GatewayProcessStatus;
  connections: LiveConnection[];
}

/** What the API tells gateway processes. */
export type GatewayCommand =
  | { type: 'disconnect'; processId: string; connectionId: string; reason: string }
  | { type: 'host-keys-changed' };

/**
 * The live state of every gateway process, in Redis where expiring state belongs: each process writes one report
 * (status and live connections) with an expiry it renews, so a process that died drops out by itself; a sorted set
 * scored by expiry lists the processes. Commands (disconnect a connection, reload host keys) go to every process
 * over pub/sub; each acts only on what it holds.
 */
@Injectable()
export class GatewayFleetRepository {
  constructor(
    @Inject(REDIS_CONNECTION) private readonly redis: Redis,
    @Inject(REDIS_KEY_PREFIX) private readonly prefix: string,
  ) {}

  get commandChannel(): string {
    return `${this.prefix}:gateway:commands`;
  }

  private get processesKey(): string {
    return `${this.prefix}:gateway:processes`;
  }

  private reportKey(processId: string): string {
    return `${this.prefix}:gateway:report:${encodeURIComponent(processId)}`;
  }

  /** Writes this process's report, good for `expirySeconds`. */
  async publishReport(report: GatewayProcessReport, expirySeconds: number, now = Date.now()): Promise<void> {
    const expiresAt = now + expirySeconds * 1000;
    await this.redis
      .multi()
      .set(this.reportKey(report.status.id), JSON.stringify(report), 'PX', expirySeconds * 1000)
      .zadd(this.processesKey, expiresAt, report.status.id)
      .zremrangebyscore(this.processesKey, '-inf', now)
      .exec();
  }

  /** Removes this process's report at once (a clean shutdown). */
  async withdraw(processId: string): Promise<void> {
    await this.redis.multi().del(this.reportKey(processId)).zrem(this.processesKey, processId).exec();
  }

  /** Every live process's report, in one read of the set and one MGET. */
  async reports(now = Date.now()): Promise<GatewayProcessReport[]> {
    const ids = await this.redis.zrangebyscore(this.processesKey, now, '+inf');
    if (ids.length === 0) return [];
    const values = await this.redis.mget(...ids.map((id) => this.reportKey(id)));
    const reports: GatewayProcessReport[] = [];
    for (const value of values) {
      if (!value) continue;
      try {
        reports.push(JSON.parse(value) as GatewayProcessReport);
      } catch {
        // A report another version wrote in another shape: skip it rather than fail the listing.
      }
    }
    return reports.sort((first, second) => first.status.id.localeCompare(second.status.id));
  }

  /** Tells every gateway process; returns how many processes were listening. */
  async send(command: GatewayCommand): Promise<number> {
    return this.redis.publish(this.commandChannel, JSON.stringify(command));
  }

  /**
   * Calls `onCommand` for each command, on a connection of its own (a subscribed Redis connection can run no other
   * command). Resolves once subscribed; call the returned function to stop.
   */
  async subscribe(onCommand: (command: GatewayCommand) => void): Promise<() => void> {
    const subscriber = this.redis.duplicate();
    subscriber.on('error', () => undefined);
    subscriber.on('message', (_channel: string, message: string) => {
      const command = parseCommand(message);
      if (command) onCommand(command);
    });
    await subscriber.subscribe(this.commandChannel);
    return () => subscriber.disconnect();
  }
}

function parseCommand(message: string): GatewayCommand | null {
  try {
    const value = JSON.parse(message) as Partial<Record<string, unknown>>;
    if (value['type'] === 'host-keys-changed') return { type: 'host-keys-changed' };
    if (value['type'] === 'disconnect' && typeof value['processId'] === 'string' && typeof value['connectionId'] === 'string') {
      return {
        type: 'disconnect',
        processId: value['processId'],
        connectionId: value['connectionId'],
        reason: typeof value['reason'] === 'string' ? value['reason'] : '',
      };
    }
  } catch {
    // Not ours.
  }
  return null;
}
