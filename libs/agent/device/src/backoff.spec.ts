import { Backoff } from './backoff';

describe('Backoff', () => {
  it('draws each delay from zero up to an exponential step, capped (full jitter)', () => {
    const low = new Backoff(1_000, 60_000, () => 0);
    const high = new Backoff(1_000, 60_000, () => 0.999_999);
    const lows = Array.from({ length: 9 }, () => low.next());
    const highs = Array.from({ length: 9 }, () => high.next());
    expect(lows).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(highs).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
  });

  it('spreads the first retry over the whole first step by default (several seconds)', () => {
    const delays = Array.from({ length: 2_000 }, () => new Backoff().next());
    expect(Math.min(...delays)).toBeLessThan(250);
    expect(Math.max(...delays)).toBeGreaterThan(4_750);
    expect(Math.max(...delays)).toBeLessThanOrEqual(5_000);
  });

  it('starts over after a reset', () => {
    const backoff = new Backoff(1_000, 60_000, () => 0.999_999);
    backoff.next();
    backoff.next();
    backoff.reset();
    expect(backoff.next()).toBe(1_000);
  });
});
