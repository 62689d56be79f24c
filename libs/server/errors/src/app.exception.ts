import { ErrorCode } from '@fleetgate/contracts';

/**
 * The one error type domain code throws. It carries a stable code; each transport maps the code
 * (HTTP status in `AppExceptionFilter`, refusal text in the SSH gateway), so services never pick status codes.
 */
export class AppException extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    /** Response headers the transport adds, for example X-Account-Lockout on a lockout. */
    readonly headers: Readonly<Record<string, string>> = {},
    /**
     * Where ShellHub's contract gives an error a body of its own (the bare list of offending fields of a user
     * conflict), the body to send instead of the usual one, so that ShellHub's clients read it.
     */
    readonly contractBody?: unknown,
  ) {
    super(message);
    this.name = 'AppException';
  }

  static validation(message: string, details?: unknown): AppException {
    return new AppException(ErrorCode.ValidationFailed, message, details);
  }

  static unauthorized(message = 'authentication required'): AppException {
    return new AppException(ErrorCode.Unauthorized, message);
  }

  static forbidden(message = 'not allowed'): AppException {
    return new AppException(ErrorCode.Forbidden, message);
  }

  /** Also what another tenant's resource looks like: never reveal that it exists. */
  static notFound(resource: string): AppException {
    return new AppException(ErrorCode.NotFound, `${resource} not found`);
  }

  static conflict(message: string, details?: unknown): AppException {
    return new AppException(ErrorCode.Conflict, message, details);
  }

  /** ShellHub's answer for user fields that clash (409) or are invalid together (400): the field names, bare. */
  static userFields(
    code: ErrorCode.Conflict | ErrorCode.ValidationFailed,
    message: string,
    fields: string[],
  ): AppException {
    return new AppException(code, message, fields, {}, fields);
  }

  /** The platform's own database or Redis cannot be reached now: 503, with when to retry. */
  static serviceUnavailable(message: string, retryAfterSeconds = 5): AppException {
    return new AppException(ErrorCode.ServiceUnavailable, message, undefined, { 'Retry-After': String(retryAfterSeconds) });
  }

  /** A service the platform depends on (a tenant's Docker engine, Stripe) did not answer: 502. */
  static upstreamUnavailable(message: string): AppException {
    return new AppException(ErrorCode.UpstreamUnavailable, message);
  }
}
