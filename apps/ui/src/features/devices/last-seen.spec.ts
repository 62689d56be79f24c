import { hasBeenSeen } from './last-seen';

describe('hasBeenSeen', () => {
  it('is false for the epoch, Go’s zero time, nothing and garbage', () => {
    for (const value of ['1970-01-01T00:00:00.000Z', '0001-01-01T00:00:00Z', '', null, undefined, 'not a date', new Date(0)]) {
      expect({ value, seen: hasBeenSeen(value) }).toEqual({ value, seen: false });
    }
  });

  it('is true for a real time', () => {
    expect(hasBeenSeen('2026-12-05T00:44:22.000Z')).toBe(true);
    expect(hasBeenSeen(new Date(1))).toBe(true);
  });
});
