import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { HeldSession, SessionPosition, SessionsRepository, SessionType, TenantScope } from '@fleetgate/data-access';

export interface SessionTrackerSettings {
  /**
   * How often the `last_seen` of every session this process holds is written (one updateMany per tenant and 100
   * sessions). Readers count a session whose last_seen is older than a few of these as gone.
   */
  keepaliveSeconds: number;
  /**
   * Delays between tries of a record write that failed (the database restarting, a failover): a session that ran
   * must not lose its record, nor stay unauthenticated or open, because one write met the database away.
   * Default 1, 2, 4, 8, 15, 30 and 60 s: about two minutes.
   */
  retryDelaysMs?: readonly number[];
}

const DEFAULT_RETRY_DELAYS_MS = [1_000, 2_000, 4_000, 8_000, 15_000, 30_000, 60_000];

/** MongoDB's duplicate key error: a retried create whose first try was written after all. */
const isDuplicateKey = (error: unknown) => (error as { code?: unknown } | null)?.code === 11000;

/** A session as the gateway starts tracking it, when the connection has resolved its device. */
export interface TrackedSessionStart {
  uid: string;
  scope: TenantScope;
  deviceUid: string;
  /** The user on the device the person asked for. */
  username: string;
  clientAddress: string;
}

/** What the tracker can ask of a live session: end it now, telling the person why. */
export interface TerminableSession {
  terminate(reason: string): void;
}

/** A close request that reached this process (from `SessionCloseChannel`). */
export interface SessionCloseOrder {
  gatewayId: string;
  tenantId: string;
  uid: string;
  reason: string;
}

interface Held {
  scope: TenantScope;
  session: TerminableSession;
  /** This session's writes, in order: created, authenticated, typed, closed. */
  writes: Promise<unknown>;
  /** Writes queued and not yet done: a keepalive round leaves the session out meanwhile. */
  pending: number;
}

/**
 * The session records of the connections this gateway process holds (ShellHub's `sessions`). A record is written
 * when a connection resolves its device (failed logins stay unauthenticated), marked authenticated, typed by the
 * first channel, and closed when the person leaves. `last_seen` is kept fresh the way device presence is: one
 * timer writes every held session in a few updateMany commands (never a write per session per tick), so a gateway
 * that dies stops refreshing and its sessions expire by themselves (the worker's `expire-stale-sessions` job).
 * Database errors are reported and never end a person's session; a failed write is tried again, in order, for a
 * while (`retryDelaysMs`), so that a database restart loses no record.
 */
export class SessionTracker {
  private readonly held = new Map<string, Held>();
  /** Close writes under way, so that a shutdown waits for them. */
  private readonly closing = new Set<Promise<void>>();
  private keepaliveTimer?: NodeJS.Timeout;
  private touching = false;
  /**
   * The keepalive round under way. A record's own writes wait for it, and a round leaves out the sessions whose
   * writes are pending: FerretDB (SQLite backend) applies an update by rewriting the whole document, so a keepalive
   * of `last_seen` running beside `authenticated`, `type` or the close could write the record back as it was.
   */
  private round: Promise<void> = Promise.resolve();
  private keepaliveCommands = 0;

  constructor(
    private readonly repository: SessionsRepository,
    private readonly locate: (address: string) => SessionPosition | null,
    private readonly settings: SessionTrackerSettings,
    private readonly onError: (error: unknown, what: string) => void,
    /** This process, as the holder of its sessions; the presence holder id when both run in one process. */
    readonly gatewayId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
  ) {}

  start(): void {
    this.keepaliveTimer = setInterval(() => void this.keepalive(), this.settings.keepaliveSeconds * 1000);
    this.keepaliveTimer.unref();
  }

  get size(): number {
    return this.held.size;
  }

  get stats(): { held: number; keepaliveCommands: number } {
    return { held: this.held.size, keepaliveCommands: this.keepaliveCommands };
  }

  opened(start: TrackedSessionStart, session: TerminableSession): void {
    if (this.held.has(start.uid)) return;
    const now = new Date();
    const ipAddress = plainAddress(start.clientAddress);
    const held: Held = { scope: start.scope, session, writes: Promise.resolve(), pending: 1 };
    held.writes = this.persist('session record create', () => this.repository.create(start.scope, {
        uid: start.uid,
        device_uid: start.deviceUid,
        username: start.username,
        ip_address: ipAddress,
        started_at: now,
        last_seen: now,
        closed_at: null,
        active: true,
        authenticated: false,
        recorded: false,
        type: 'none',
        term: 'none',
        position: this.locate(ipAddress) ?? { latitude: 0, longitude: 0 },
        gateway_id: this.gatewayId,
      }),
    ).finally(() => (held.pending -= 1));
    this.held.set(start.uid, held);
  }

  authenticated(uid: string): void {
    this.afterPrevious(uid, 'session authenticated', (scope) => this.applied(this.repository.markAuthenticated(scope, uid)));
  }

  typed(uid: string, type: SessionType, term: string | undefined): void {
    this.afterPrevious(uid, 'session type', (scope) => this.applied(this.repository.setType(scope, uid, type, term || 'none')));
  }

  /**
   * An update of a record this process created must find it. FerretDB's SQLite backend can answer an update on
   * another pooled connection before it sees the insert that was acknowledged just before; matching nothing then
   * is a write that did not happen yet, and it is tried again like a failed one.
   */
  private async applied(update: Promise<boolean>): Promise<void> {
    if (!(await update)) throw new Error('the session record was not found yet');
  }

  /** The person left: the record closes and the session is no longer kept alive. Resolves once written. */
  closed(uid: string): Promise<void> {
    const held = this.held.get(uid);
    if (!held) return Promise.resolve();
    this.held.delete(uid);
    held.pending += 1;
    const written: Promise<void> = held.writes
      .then(() => this.persist('session close', () => this.repository.close(held.scope, uid)))
      .finally(() => this.closing.delete(written));
    this.closing.add(written);
    return written;
  }

  /** A close request from the API: ends the session if this process holds it. Returns whether it did. */
  closeRequested(order: SessionCloseOrder): boolean {
    if (order.gatewayId !== this.gatewayId) return false;
    const held = this.held.get(order.uid);
    if (!held || held.scope.tenantId !== order.tenantId) return false;
    held.session.terminate(order.reason);
    return true;
  }

  /** Writes `last_seen` of every session held now; a round still running when the next is due is not doubled. */
  async keepalive(): Promise<void> {
    if (this.touching || this.held.size === 0) return;
    const sessions: HeldSession[] = [...this.held]
      .filter(([, { pending }]) => pending === 0)
      .map(([uid, { scope }]) => ({ tenantId: scope.tenantId, uid }));
    if (sessions.length === 0) return;
    this.touching = true;
    const round = (async () => {
      try {
        this.keepaliveCommands += await this.repository.touch(sessions, new Date());
      } catch (error) {
        this.onError(error, 'session keepalive');
      } finally {
        this.touching = false;
      }
    })();
    this.round = round;
    await round;
  }

  /** Stops the keepalive and closes the records still held; bounded, so a dead database cannot hold up a shutdown. */
  async stop(timeoutMs = 5_000): Promise<void> {
    clearInterval(this.keepaliveTimer);
    const pending = [...[...this.held.keys()].map((uid) => this.closed(uid)), ...this.closing];
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([Promise.all(pending), deadline]);
    clearTimeout(timer);
  }

  /** Named so that the tracker is not a thenable: Nest awaits what a provider factory returns. */
  private afterPrevious(uid: string, what: string, write: (scope: TenantScope) => Promise<unknown>): void {
    const held = this.held.get(uid);
    if (!held) return;
    held.pending += 1;
    held.writes = held.writes.then(() => this.persist(what, () => write(held.scope))).finally(() => (held.pending -= 1));
  }

  /** Runs a record write, trying again after each delay while it fails; reports it when it never succeeded. */
  private async persist(what: string, write: () => Promise<unknown>): Promise<void> {
    const delays = this.settings.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.round;
        await write();
        return;
      } catch (error) {
        if (what === 'session record create' && attempt > 0 && isDuplicateKey(error)) return;
        const delay = delays[attempt];
        if (delay === undefined) return this.onError(error, what);
        await new Promise((resolve) => setTimeout(resolve, delay).unref());
      }
    }
  }
}

/** `::ffff:192.0.2.1` as `192.0.2.1`, as people and ShellHub write IPv4 addresses. */
function plainAddress(address: string): string {
  return address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
}
