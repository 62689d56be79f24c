/**
 * Reconnect delays: exponential, capped, with jitter, so that thousands of agents cut off by a server restart
 * come back spread over time instead of all at once, and a failing agent never spins in a tight loop.
 */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly baseMs = 1_000,
    private readonly capMs = 60_000,
    private readonly random: () => number = Math.random,
  ) {}

  /** The next delay: half of the exponential step fixed, half random ("equal jitter"), never below baseMs / 2. */
  next(): number {
    const step = Math.min(this.capMs, this.baseMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    return Math.round(step / 2 + this.random() * (step / 2));
  }

  reset(): void {
    this.attempt = 0;
  }
}
