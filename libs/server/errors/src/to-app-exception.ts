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

function isBodyParserError(error: unknown): error is { status: number; type: string } {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { type?: unknown }).type === 'string' &&
    typeof (error as { status?: unknown }).status === 'number'
  );
}
