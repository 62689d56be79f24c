import { formatClock, formatDuration, locationLabel, sessionDuration } from './session-format';

describe('session times and places', () => {
  it('formats durations', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(12_400)).toBe('12s');
    expect(formatDuration(187_000)).toBe('3m 07s');
    expect(formatDuration(3_720_000)).toBe('1h 02m');
    expect(formatDuration(-5)).toBe('0s');
  });

  it('measures a live session until now and an ended one until it was last seen', () => {
    const started = '2026-12-05T00:00:00.000Z';
    const lastSeen = '2026-12-05T00:01:00.000Z';
    const now = Date.parse('2026-12-05T00:10:00.000Z');
    expect(sessionDuration({ started_at: started, last_seen: lastSeen, active: false }, now)).toBe(60_000);
    expect(sessionDuration({ started_at: started, last_seen: lastSeen, active: true }, now)).toBe(600_000);
    expect(sessionDuration({ started_at: 'garbage', last_seen: lastSeen, active: false }, now)).toBe(0);
  });

  it('says unknown for the geolocation’s 0,0', () => {
    expect(locationLabel({ latitude: 0, longitude: 0 })).toBe('unknown');
    expect(locationLabel(undefined)).toBe('unknown');
    expect(locationLabel({ latitude: 52.52, longitude: 13.4109 })).toBe('52.52, 13.41');
  });

  it('formats positions in a recording', () => {
    expect(formatClock(0)).toBe('0:00');
    expect(formatClock(65.7)).toBe('1:05');
    expect(formatClock(3_725)).toBe('1:02:05');
  });
});
