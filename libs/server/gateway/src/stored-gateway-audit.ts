import { randomBytes } from 'node:crypto';
import type { AuditEventDocument } from '@fleetgate/data-access';
import type { GatewayAuditEvent, GatewayAuditSink } from './gateway-audit';

/** Where batches go: `AuditEventsRepository.insertManyUnscoped`, which splits them into bounded commands. */
export interface AuditEventWriter {
  insertManyUnscoped(events: readonly AuditEventDocument[]): Promise<void>;
}

export interface AuditBatchSettings {
  /** Longest an event waits before its batch is written. */
  flushMs: number;
  /** A batch this size is written at once. */
  batchSize: number;
  /** Events held while the database is down; beyond it the oldest are dropped (and counted in the warning). */
  maxPending: number;
}

const LIMITS = { kind: 64, reason: 1024, username: 256, address: 64, device: 128 };

/**
 * The stored audit log of a gateway process: events gather in memory and are written in batches on a short timer,
 * never one insert per event, so a brute-force storm costs a few bulk writes a second. A failed write keeps the
 * events for the next round, up to `maxPending`.
 */
export class StoredGatewayAuditSink implements GatewayAuditSink {
  private pending: AuditEventDocument[] = [];
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private dropped = 0;

  constructor(
    private readonly writer: AuditEventWriter,
    private readonly settings: AuditBatchSettings,
    private readonly onError: (error: unknown, dropped: number) => void = () => undefined,
  ) {}

  record(event: GatewayAuditEvent): void {
    this.pending.push({
      id: randomBytes(12).toString('hex'),
      tenant_id: event.tenantId ?? '',
      kind: event.kind.slice(0, LIMITS.kind),
      reason: event.reason.slice(0, LIMITS.reason),
      username: (event.username ?? '').slice(0, LIMITS.username),
      address: (event.address ?? '').slice(0, LIMITS.address),
      device: (event.device ?? '').slice(0, LIMITS.device),
      at: event.at,
    });
    if (this.pending.length > this.settings.maxPending) {
      const excess = this.pending.length - this.settings.maxPending;
      this.pending.splice(0, excess);
      this.dropped += excess;
    }
    if (this.pending.length >= this.settings.batchSize) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.settings.flushMs);
  }

  /** Writes what is pending (one flush at a time); resolves when it is stored or the write failed. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.flushing) await this.flushing;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.flushing = this.writer
      .insertManyUnscoped(batch)
      .catch((error: unknown) => {
        // Keep the batch for the next round, ahead of what came meanwhile.
        this.pending = [...batch, ...this.pending].slice(-this.settings.maxPending);
        this.onError(error, this.dropped);
        this.timer ??= setTimeout(() => void this.flush(), Math.max(this.settings.flushMs, 1_000));
      })
      .finally(() => (this.flushing = undefined));
    await this.flushing;
  }

  /** Writes what is left (shutdown). */
  async stop(): Promise<void> {
    await this.flush();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
