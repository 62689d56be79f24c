/**
 * Stable error codes shared by every transport. Clients may branch on them, so a code is never renamed.
 * Each transport maps them exhaustively (HTTP status in the API filter, SSH refusal text in the gateway).
 */
export enum ErrorCode {
  ValidationFailed = 'validation_failed',
  Unauthorized = 'unauthorized',
  Forbidden = 'forbidden',
  NotFound = 'not_found',
  Conflict = 'conflict',
  PaymentRequired = 'payment_required',
  TooManyRequests = 'too_many_requests',
  UpstreamUnavailable = 'upstream_unavailable',
  /** The platform's own database or Redis is unreachable for now: retry later (503 with Retry-After). */
  ServiceUnavailable = 'service_unavailable',
  Internal = 'internal',
}

/** The JSON body of every error response. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: unknown;
  /** Present on internal errors only: quote it when reporting a problem; the server logs hold the cause. */
  errorId?: string;
}
