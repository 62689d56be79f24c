import { HttpException, NotFoundException } from '@nestjs/common';
import { ErrorCode } from '@fleetgate/contracts';
import { AppException } from './app.exception';
import { isDuplicateKeyError } from './duplicate-key';
import { errorCodeOfHttpStatus } from './http-status';
import { JSON_TOO_DEEP, MAX_JSON_DEPTH } from './json-depth';
import { fromStripeError, isStripeError } from './stripe-error';

/**
 * Turns errors the application expects from its libraries into an AppException; returns null for anything else,
 * which the caller treats as an internal error.
 */
export function toAppException(error: unknown): AppException | null {
  if (error instanceof AppException) return error;
  // The router's own answer for a path no controller serves; it would echo `Cannot GET /path` as the message.
  if (error instanceof NotFoundException && /^Cannot [A-Z]+ \//.test(error.message)) return AppException.notFound('route');
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const message =
      typeof response === 'object' && response !== null && 'message' in response
        ? String(Array.isArray(response.message) ? response.message.join('; ') : response.message)
        : error.message;
    return new AppException(errorCodeOfHttpStatus(status), message);
  }
  if (isDuplicateKeyError(error)) {
    const { keyValue, keyPattern } = error as { keyValue?: object; keyPattern?: object };
    return new AppException(ErrorCode.Conflict, 'a resource with these unique values already exists', {
      fields: Object.keys(keyValue ?? keyPattern ?? {}),
    });
  }
  const storage = unavailableStorage(error);
  if (storage) return AppException.serviceUnavailable(`${storage === 'database' ? 'the database' : 'Redis'} is unavailable; retry in a few seconds`);
  if (error instanceof Error && error.name === 'CastError') {
    return new AppException(ErrorCode.ValidationFailed, 'a value has the wrong type');
  }
  // Before the body-parser check: Stripe's errors also carry a string `type`.
  if (isStripeError(error)) return fromStripeError(error);
  if (isBodyParserError(error)) {
    if (error.type === JSON_TOO_DEEP) {
      return AppException.validation(`request body is nested more than ${MAX_JSON_DEPTH} levels deep`);
    }
    return new AppException(
      ErrorCode.ValidationFailed,
      error.status === 413 ? 'request body is too large' : 'request body is not valid JSON',
    );
  }
  return null;
}

/** The MongoDB driver's errors of a server it cannot reach (a restart, a failover), by class name. */
const DATABASE_UNREACHABLE = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoPoolClearedError',
  'MongoTopologyClosedError',
]);

/**
 * Which of the platform's stores an error says is out of reach, if any: the database (the driver's connection
 * errors, mongoose's buffering timeout) or Redis (ioredis's closed connection, its retry limit).
 * While one restarts, clients get a 503 that says so instead of a 500.
 */
function unavailableStorage(error: unknown): 'database' | 'redis' | null {
  if (!(error instanceof Error)) return null;
  if (DATABASE_UNREACHABLE.has(error.name) || /^Operation `[^`]+` buffering timed out/.test(error.message)) return 'database';
  if (error.name === 'MaxRetriesPerRequestError' || /^Connection is closed\.$|Stream isn't writeable and enableOfflineQueue/.test(error.message)) {
    return 'redis';
  }
  return null;
}

function isBodyParserError(error: unknown): error is { status: number; type: string } {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { type?: unknown }).type === 'string' &&
    typeof (error as { status?: unknown }).status === 'number'
  );
}
