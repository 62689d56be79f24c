import { assertUnreachable, ErrorCode } from '@fleetgate/contracts';

/** The only mapping from error codes to HTTP statuses. */
export function httpStatusOf(code: ErrorCode): number {
  switch (code) {
    case ErrorCode.ValidationFailed:
      return 400;
    case ErrorCode.Unauthorized:
      return 401;
    case ErrorCode.PaymentRequired:
      return 402;
    case ErrorCode.Forbidden:
      return 403;
    case ErrorCode.NotFound:
      return 404;
    case ErrorCode.Conflict:
      return 409;
    case ErrorCode.TooManyRequests:
      return 429;
    case ErrorCode.UpstreamUnavailable:
      return 502;
    case ErrorCode.ServiceUnavailable:
      return 503;
    case ErrorCode.Internal:
      return 500;
    default:
      return assertUnreachable(code);
  }
}

/** The reverse, for errors raised by the framework itself (unknown route, oversized body). */
export function errorCodeOfHttpStatus(status: number): ErrorCode {
  if (status === 401) return ErrorCode.Unauthorized;
  if (status === 402) return ErrorCode.PaymentRequired;
  if (status === 403) return ErrorCode.Forbidden;
  if (status === 404) return ErrorCode.NotFound;
  if (status === 409) return ErrorCode.Conflict;
  if (status === 429) return ErrorCode.TooManyRequests;
  if (status >= 400 && status < 500) return ErrorCode.ValidationFailed;
  if (status === 502) return ErrorCode.UpstreamUnavailable;
  if (status === 503) return ErrorCode.ServiceUnavailable;
  return ErrorCode.Internal;
}
