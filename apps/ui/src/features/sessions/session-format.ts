/** What the session list and details show of times and places. */

/** `1h 02m`, `3m 07s`, `12s`: the length of a session, from milliseconds. */
export function formatDuration(milliseconds: number): string {
  const total = Math.max(0, Math.floor(milliseconds / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const two = (value: number) => String(value).padStart(2, '0');
  if (hours > 0) return `${hours}h ${two(minutes)}m`;
  if (minutes > 0) return `${minutes}m ${two(seconds)}s`;
  return `${seconds}s`;
}

/** A live session lasts until now; an ended one until it was last seen. */
export function sessionDuration(session: { started_at: string; last_seen: string; active: boolean }, now: number): number {
  const started = Date.parse(session.started_at);
  const ended = session.active ? now : Date.parse(session.last_seen);
  return Number.isFinite(started) && Number.isFinite(ended) ? Math.max(0, ended - started) : 0;
}

/** The geolocation lib answers 0,0 when it knows nothing (no database, a private address). */
export function locationLabel(position: { latitude: number; longitude: number } | null | undefined): string {
  if (!position || (position.latitude === 0 && position.longitude === 0)) return 'unknown';
  return `${position.latitude.toFixed(2)}, ${position.longitude.toFixed(2)}`;
}

/** `m:ss` (or `h:mm:ss`) of a position in a recording, in seconds. */
export function formatClock(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const rest = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`;
}
