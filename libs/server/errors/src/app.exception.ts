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

  /** A service the platform depends on (a tenant's Docker engine, Stripe) did not answer: 502. */
  static upstreamUnavailable(message: string): AppException {
    return new AppException(ErrorCode.UpstreamUnavailable, message);
  }
}
