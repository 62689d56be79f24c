import { createHash, randomUUID } from 'node:crypto';

/**
 * Stripe idempotency keys (at most 255 characters). A key derived from what the write means makes a repeated
 * request (a double click, a retried job) return Stripe's first answer instead of acting twice.
 */
export function derivedIdempotencyKey(operation: string, ...parts: string[]): string {
  return `fleetgate:${operation}:${createHash('sha256').update(parts.join('\u0000')).digest('hex')}`;
}

/**
 * For writes that may legitimately be repeated later with the same values (attach a card detached earlier): a key
 * of its own per request, which still makes the library's network retries of that request safe.
 */
export function requestIdempotencyKey(operation: string): string {
  return `fleetgate:${operation}:${randomUUID()}`;
}
