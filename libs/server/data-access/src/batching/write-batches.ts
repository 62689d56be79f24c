import type { Model } from 'mongoose';

/**
 * The most statements one write command may carry. FerretDB 1.24 never answers a write command that carries more
 * statements than its backend connection pool holds (measured: on SQLite 99 went through and 101 hung; on
 * PostgreSQL with a pool of 20, 19 went through and 25 hung), and while it waits, every other client of the
 * database waits too. 50 leaves room under SQLite's pool of 100; the PostgreSQL backend that
 * `scripts/services.sh` starts gets a pool larger than this (see FERRETDB_PG_POOL there).
 */
export const MAX_STATEMENTS_PER_WRITE = 50;

/**
 * The most values one `$in` list may carry. One command stays small whatever the fleet's size, and FerretDB's
 * SQLite backend, which compares every document against the whole list, does bounded work per command.
 */
export const MAX_IN_LIST_LENGTH = 500;

/** Splits a list into consecutive pieces of at most `size` items. */
export function chunked<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new Error(`chunk size must be a positive integer, not ${size}`);
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

/**
 * `bulkWrite` in commands of at most MAX_STATEMENTS_PER_WRITE statements, sent one after the other (so a large
 * batch never holds many database connections at once). Unordered within each command, as the callers want.
 */
export async function bulkWriteInChunks<T>(
  model: Model<T>,
  operations: Parameters<Model<T>['bulkWrite']>[0],
): Promise<void> {
  for (const chunk of chunked(operations, MAX_STATEMENTS_PER_WRITE)) {
    await model.bulkWrite(chunk, { ordered: false });
  }
}

/** `insertMany` in commands of at most MAX_STATEMENTS_PER_WRITE documents, one after the other. */
export async function insertManyInChunks<T>(model: Model<T>, documents: readonly Partial<T>[]): Promise<void> {
  for (const chunk of chunked(documents, MAX_STATEMENTS_PER_WRITE)) {
    await model.insertMany(chunk as T[], { ordered: true });
  }
}
