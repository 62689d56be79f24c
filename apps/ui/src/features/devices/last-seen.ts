/**
 * A device that never connected carries the epoch or Go's zero time (`0001-01-01T00:00:00Z`, ShellHub's default)
 * as `last_seen`; shown as a date, that reads as "56 years ago". Anything not after the epoch is "never".
 */
export function hasBeenSeen(lastSeen: string | Date | null | undefined): boolean {
  if (lastSeen === null || lastSeen === undefined || lastSeen === '') return false;
  const time = new Date(lastSeen).getTime();
  return Number.isFinite(time) && time > 0;
}
