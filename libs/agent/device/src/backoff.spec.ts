import { Backoff } from './backoff';

describe('Backoff', () => {
  it('grows exponentially up to its cap, with jitter within each step', () => {
    const low = new Backoff(1_000, 60_000, () => 0);
    const high = new Backoff(1_000, 60_000, () => 1);
    const lows = Array.from({ length: 9 }, () => low.next());
    const highs = Array.from({ length: 9 }, () => high.next());
    expect(lows).toEqual([500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
    expect(highs).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
  });

  it('starts over after a reset', () => {
    const backoff = new Backoff(1_000, 60_000, () => 1);
    backoff.next();
    backoff.next();
    backoff.reset();
    expect(backoff.next()).toBe(1_000);
  });
});
