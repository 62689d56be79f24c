/**
 * Whether a write failed on a unique index. MongoDB reports code 11000 for every write; FerretDB 1.24 on SQLite does
 * for inserts but reports an update's clash as InternalError (code 1) naming SQLite's "UNIQUE constraint failed".
 */
export function isDuplicateKeyError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return (
    code === 11000 ||
    (code === 1 && typeof message === 'string' && message.includes('UNIQUE constraint failed'))
  );
}
