import Stripe from 'stripe';
import { ErrorCode } from '@fleetgate/contracts';
import { httpStatusOf } from './http-status';
import { toAppException } from './to-app-exception';

const { errors } = Stripe;

/** Each kind of Stripe failure, through the one error mapping, as the HTTP answer a client gets. */
function answerTo(error: unknown): { status: number; message: string } {
  const known = toAppException(error);
  if (!known) throw new Error('not mapped');
  return { status: httpStatusOf(known.code), message: known.message };
}

describe('Stripe errors in the one error mapping', () => {
  it('answers what the person sent with a 4xx that says what was wrong', () => {
    expect(answerTo(new errors.StripeCardError({ message: 'Your card was declined.', type: 'card_error' }))).toEqual({
      status: 402,
      message: 'the card was declined: Your card was declined.',
    });
    expect(
      answerTo(new errors.StripeInvalidRequestError({ message: "No such PaymentMethod: 'pm_x'", type: 'invalid_request_error', code: 'resource_missing', param: 'payment_method', statusCode: 404 })),
    ).toEqual({ status: 404, message: 'Stripe has no such payment_method' });
    expect(answerTo(new errors.StripeInvalidRequestError({ message: 'Invalid integer: abc', type: 'invalid_request_error', param: 'quantity' }))).toEqual({
      status: 400,
      message: 'Stripe refused the request: Invalid integer: abc',
    });
    expect(answerTo(new errors.StripeIdempotencyError({ message: 'Keys for idempotent requests can only be used with the same parameters', type: 'idempotency_error' })).status).toBe(409);
    expect(answerTo(new errors.StripeSignatureVerificationError('t=1,v1=00', '{}', { message: 'No signatures found matching the expected signature for payload' })).status).toBe(400);
  });

  it('answers Stripe’s own failures with a 502 that says Stripe failed and nothing of its internals', () => {
    const failures = [
      new errors.StripeAuthenticationError({ message: 'Invalid API Key provided: sk_live_****1234', type: 'invalid_request_error' }),
      new errors.StripePermissionError({ message: 'The provided key does not have access', type: 'invalid_request_error' }),
      new errors.StripeRateLimitError({ message: 'Too many requests', type: 'invalid_request_error' }),
      new errors.StripeConnectionError({ message: 'An error occurred with our connection to Stripe. ECONNREFUSED 127.0.0.1:1' }),
      new errors.StripeAPIError({ message: 'Internal error req_123 at host api-5', type: 'api_error' }),
    ];
    for (const failure of failures) {
      const answer = answerTo(failure);
      expect(answer.status).toBe(502);
      expect(answer.message).toMatch(/^Stripe failed/);
      expect(answer.message).not.toMatch(/sk_live|ECONNREFUSED|req_123|127\.0\.0\.1/);
    }
    expect(toAppException(failures[0])?.code).toBe(ErrorCode.UpstreamUnavailable);
  });
});
