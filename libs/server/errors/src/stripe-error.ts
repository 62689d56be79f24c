import { ErrorCode } from '@fleetgate/contracts';
import { AppException } from './app.exception';

/**
 * The parts of the stripe library's errors that decide the answer. Read structurally, so that this lib does not
 * load the stripe library: its error classes all carry a `type` starting with "Stripe".
 */
interface StripeErrorShape {
  type: string;
  message: string;
  statusCode?: number;
  code?: string;
  param?: string;
}

export function isStripeError(error: unknown): error is StripeErrorShape {
  if (!(error instanceof Error)) return false;
  const type: unknown = (error as Error & { type?: unknown }).type;
  return typeof type === 'string' && type.startsWith('Stripe');
}

/**
 * What a Stripe failure means for the person who asked: what they sent can be wrong (a declined card is 402, an
 * unknown payment method 404, another bad value 400, a replayed request 409), or Stripe itself failed (502), which
 * never reveals Stripe's internals or our key. The library's messages for the person's own input are kept: they
 * name the field and never hold a secret.
 */
export function fromStripeError(error: StripeErrorShape): AppException {
  switch (error.type) {
    case 'StripeCardError':
      return new AppException(ErrorCode.PaymentRequired, `the card was declined: ${error.message}`);
    case 'StripeInvalidRequestError':
      if (error.statusCode === 404 || error.code === 'resource_missing') {
        return new AppException(ErrorCode.NotFound, `Stripe has no such ${error.param ?? 'object'}`);
      }
      return new AppException(ErrorCode.ValidationFailed, `Stripe refused the request: ${error.message}`, {
        ...(error.param ? { param: error.param } : {}),
      });
    case 'StripeIdempotencyError':
      return new AppException(ErrorCode.Conflict, 'the same billing request was already made with other values');
    case 'StripeSignatureVerificationError':
      return new AppException(ErrorCode.ValidationFailed, `the webhook's Stripe-Signature does not verify: ${error.message}`);
    case 'StripeAuthenticationError':
    case 'StripePermissionError':
      return AppException.upstreamUnavailable('Stripe failed: it refused the platform’s credentials');
    case 'StripeRateLimitError':
      return AppException.upstreamUnavailable('Stripe failed: too many requests, try again shortly');
    case 'StripeConnectionError':
      return AppException.upstreamUnavailable('Stripe failed: it could not be reached');
    default:
      return AppException.upstreamUnavailable('Stripe failed to answer the request');
  }
}
