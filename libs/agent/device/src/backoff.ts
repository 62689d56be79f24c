/** The default first step: the first retry after a lost tunnel lands anywhere in the next 5 s. */
export const DEFAULT_BACKOFF_BASE_MS = 5_000;
// 30 s: once the gateway is back, no agent waits longer than this; 10,000 agents retrying at this pace cost the
// gateway a few hundred refused connections a second while it is down.
export const DEFAULT_BACKOFF_CAP_MS = 30_000;

/**
 * Reconnect delays: exponential and capped, with full jitter (each delay uniform between 0 and the step), so that
 * thousands of agents cut off by one gateway restart come back spread over the first step instead of all at once,
 * and a failing agent never spins in a tight loop (its expected delay doubles with each failure).
 */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly baseMs = DEFAULT_BACKOFF_BASE_MS,
    private readonly capMs = DEFAULT_BACKOFF_CAP_MS,
    private readonly random: () => number = Math.random,
  ) {}

  /** The next delay: uniform in [0, min(cap, base · 2^attempt)). */
  next(): number {
    const step = Math.min(this.capMs, this.baseMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    return Math.round(this.random() * step);
  }

  reset(): void {
    this.attempt = 0;
  }
}
