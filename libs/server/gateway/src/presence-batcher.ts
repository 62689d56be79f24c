import type { DevicePresenceRepository, PresenceUpdate, TenantScope } from '@fleetgate/data-access';

/**
 * Collects heartbeats in memory and writes them in one bulk write every `flushMs` (field-lessons 3.5: never a
 * queue job per beat). Online/offline transitions are kept in order per device: the latest state wins.
 */
export class PresenceBatcher {
  private pending = new Map<string, PresenceUpdate>();
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly repository: DevicePresenceRepository,
    private readonly flushMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.flushMs);
    this.timer.unref();
  }

  online(scope: TenantScope, uid: string): void {
    this.pending.set(uid, { scope, uid, lastSeen: new Date(), online: true });
    // Coming online is shown at once, not at the next tick.
    void this.flush();
  }

  seen(scope: TenantScope, uid: string): void {
    const previous = this.pending.get(uid);
    this.pending.set(uid, { scope, uid, lastSeen: new Date(), online: previous?.online });
  }

  offline(scope: TenantScope, uid: string): void {
    this.pending.set(uid, { scope, uid, lastSeen: new Date(), online: false });
    void this.flush();
  }

  async flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.pending.size === 0) return;
      const batch = [...this.pending.values()];
      this.pending = new Map();
      try {
        await this.repository.apply(batch);
      } catch (error) {
        // Keep what failed unless a newer state for the device arrived meanwhile.
        for (const update of batch) if (!this.pending.has(update.uid)) this.pending.set(update.uid, update);
        this.onError(error);
      }
    });
    return this.flushing;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
