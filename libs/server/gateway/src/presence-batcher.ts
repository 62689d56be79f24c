import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { DevicePresenceRepository, DevicePresenceStore, PresenceEntry, TenantScope } from '@fleetgate/data-access';

export interface PresenceSettings {
  /** How long a device stays online in Redis without a refresh; a killed gateway's devices go offline after it. */
  expirySeconds: number;
  /** How often the expiry of every held tunnel is pushed forward; well under expirySeconds. */
  refreshSeconds: number;
  /** How often last_seen is written to the database for the devices held (and those that left meanwhile). */
  lastSeenSeconds: number;
  /** Connects and disconnects are gathered this long, so a reconnect storm becomes a few pipelines. */
  flushMs: number;
}

/** What the gateway wrote, for the benchmark and for logs. */
export interface PresenceCounters {
  held: number;
  redisCommands: number;
  lastSeenCommands: number;
}

/**
 * The presence of the devices whose tunnels this gateway process holds, kept in Redis (DevicePresenceStore).
 * Connects and disconnects are written in pipelines within `flushMs`; every `refreshSeconds` one set of pipelined
 * writes pushes the expiry of every held tunnel forward (the tunnel endpoint drops silent tunnels, so every tunnel
 * held is alive), and every `lastSeenSeconds` `last_seen` goes to the database in a few updateMany commands (for devices that
 * disconnected, at the next refresh tick).
 * Pings and pongs write nothing: liveness is the endpoint's business, presence only needs the held set.
 */
export class PresenceBatcher {
  /** This process, as the holder of its tunnels in Redis. */
  readonly holder = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly held = new Map<string, PresenceEntry>();
  private pendingOnline = new Map<string, PresenceEntry>();
  private pendingOffline = new Map<string, PresenceEntry>();
  /** Devices that left since the last last_seen write: their last_seen is written once more. */
  private departed = new Map<string, PresenceEntry>();
  private flushTimer?: NodeJS.Timeout;
  private refreshTimer?: NodeJS.Timeout;
  private lastSeenTimer?: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();
  private writingLastSeen = false;
  private readonly counters = { redisCommands: 0, lastSeenCommands: 0 };

  constructor(
    private readonly store: DevicePresenceStore,
    private readonly lastSeen: DevicePresenceRepository,
    private readonly settings: PresenceSettings,
    private readonly onError: (error: unknown) => void,
    /** Told what was written so far after each refresh tick (the gateway logs it; the fleet benchmark reads it). */
    private readonly report: (counters: PresenceCounters) => void = () => undefined,
  ) {
    if (settings.refreshSeconds >= settings.expirySeconds) {
      throw new Error('presence must be refreshed more often than it expires');
    }
  }

  start(): void {
    this.refreshTimer = setInterval(() => {
      void this.refresh().then(() => this.report(this.stats));
      // Those that left get their last_seen soon, not at the next (coarse) round for every device.
      if (this.departed.size > 0) void this.writeLastSeen(true);
    }, this.settings.refreshSeconds * 1000);
    this.lastSeenTimer = setInterval(() => void this.writeLastSeen(), this.settings.lastSeenSeconds * 1000);
    this.refreshTimer.unref();
    this.lastSeenTimer.unref();
  }

  online(scope: TenantScope, uid: string): void {
    const entry = { tenantId: scope.tenantId, uid };
    this.held.set(uid, entry);
    this.pendingOffline.delete(uid);
    this.pendingOnline.set(uid, entry);
    this.scheduleFlush();
  }

  /** Liveness signals need no write: a held tunnel is refreshed on the next tick whatever it sent. */
  seen(_scope: TenantScope, _uid: string): void {
    // Intentionally empty: one write per ping (from either side) is what made presence expensive.
  }

  offline(scope: TenantScope, uid: string): void {
    const entry = { tenantId: scope.tenantId, uid };
    this.held.delete(uid);
    this.pendingOnline.delete(uid);
    this.pendingOffline.set(uid, entry);
    this.departed.set(uid, entry);
    this.scheduleFlush();
  }

  get stats(): PresenceCounters {
    return { held: this.held.size, ...this.counters };
  }

  /** Writes pending connects and disconnects now. */
  flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    return this.serially(async () => {
      const online = [...this.pendingOnline.values()];
      const offline = [...this.pendingOffline.values()];
      this.pendingOnline = new Map();
      this.pendingOffline = new Map();
      try {
        if (online.length > 0) {
          this.counters.redisCommands += await this.store.markOnline(online, this.holder, this.expiresAt());
        }
        if (offline.length > 0) this.counters.redisCommands += await this.store.markOffline(offline, this.holder);
      } catch (error) {
        // Keep what failed unless a newer state for the device arrived meanwhile.
        for (const entry of online) if (!this.pendingOffline.has(entry.uid)) this.pendingOnline.set(entry.uid, entry);
        for (const entry of offline) if (!this.pendingOnline.has(entry.uid)) this.pendingOffline.set(entry.uid, entry);
        this.onError(error);
      }
    });
  }

  /** Pushes the expiry of every tunnel this process holds. */
  refresh(): Promise<void> {
    return this.serially(async () => {
      if (this.held.size === 0) return;
      try {
        this.counters.redisCommands += await this.store.refresh([...this.held.values()], this.expiresAt());
      } catch (error) {
        this.onError(error);
      }
    });
  }

  /**
   * Writes last_seen of the devices that left since the last time and, unless `departedOnly`, of every device held.
   */
  async writeLastSeen(departedOnly = false): Promise<void> {
    // A slow database must not pile up overlapping rounds of writes; the next tick catches up.
    if (this.writingLastSeen) return;
    this.writingLastSeen = true;
    const departed = this.departed;
    this.departed = new Map();
    try {
      const left = [...departed.values()].filter((entry) => !this.held.has(entry.uid));
      const entries = departedOnly ? left : [...this.held.values(), ...left];
      if (entries.length > 0) this.counters.lastSeenCommands += await this.lastSeen.recordLastSeen(entries, new Date());
    } catch (error) {
      for (const [uid, entry] of departed) if (!this.departed.has(uid)) this.departed.set(uid, entry);
      this.onError(error);
    } finally {
      this.writingLastSeen = false;
    }
  }

  /**
   * Releases every device this process still holds (their agents will reconnect elsewhere or to the next process),
   * writes last_seen once more, and returns; bounded so that a dead Redis cannot hold up a shutdown.
   */
  async stop(timeoutMs = 5_000): Promise<void> {
    clearInterval(this.refreshTimer);
    clearInterval(this.lastSeenTimer);
    for (const [uid, entry] of this.held) {
      this.pendingOnline.delete(uid);
      this.pendingOffline.set(uid, entry);
      this.departed.set(uid, entry);
    }
    this.held.clear();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([Promise.all([this.flush(), this.writeLastSeen()]), deadline]);
    clearTimeout(timer);
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => void this.flush(), this.settings.flushMs);
  }

  private expiresAt(): number {
    return Date.now() + this.settings.expirySeconds * 1000;
  }

  private serially(write: () => Promise<void>): Promise<void> {
    this.writing = this.writing.then(write);
    return this.writing;
  }
}
