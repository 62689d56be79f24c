import type { Model } from 'mongoose';

/**
 * The most statements one write command may carry. FerretDB 1.24 never answers write commands whose statements
 * outnumber its backend connection pool (measured: on SQLite one command of 99 went through and one of 101 hung;
 * three concurrent commands of 50 from three clients hung too, sometimes; on PostgreSQL with a pool of 20, 19 went
 * through and 25 hung), and while it waits, every other client of the database waits too. The pool is shared by
 * every client, so the bound leaves room for the api, the gateway and the worker writing at the same moment:
 * 20 each stays well under SQLite's pool of 100, and `scripts/services.sh` gives the PostgreSQL backend a pool of
 * FERRETDB_PG_POOL (50). Chunks are sent one after the other, never in parallel.
 */
export const MAX_STATEMENTS_PER_WRITE = 20;

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
