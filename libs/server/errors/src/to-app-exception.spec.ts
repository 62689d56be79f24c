import { BadRequestException, NotFoundException } from '@nestjs/common';
import { ErrorCode } from '@fleetgate/contracts';
import { AppException } from './app.exception';
import { httpStatusOf } from './http-status';
import { toAppException } from './to-app-exception';

describe('error mapping', () => {
  it('maps every error code to one HTTP status', () => {
    const statuses = Object.values(ErrorCode).map((code) => [code, httpStatusOf(code)]);
    expect(Object.fromEntries(statuses)).toEqual({
      validation_failed: 400,
      unauthorized: 401,
      payment_required: 402,
      forbidden: 403,
      not_found: 404,
      conflict: 409,
      too_many_requests: 429,
      upstream_unavailable: 502,
      service_unavailable: 503,
      internal: 500,
    });
  });

  it('answers 503 with Retry-After while the database or Redis cannot be reached', () => {
    const named = (name: string, message: string) => Object.assign(new Error(message), { name });
    for (const error of [
      named('MongoServerSelectionError', 'connect ECONNREFUSED 127.0.0.1:27017'),
      named('MongoNetworkError', 'connection 3 to 127.0.0.1:27017 closed'),
      named('MongoPoolClearedError', 'Connection pool for 127.0.0.1:27017 was cleared'),
      new Error('Operation `devices.find()` buffering timed out after 10000ms'),
    ]) {
      expect(toAppException(error)).toMatchObject({ code: ErrorCode.ServiceUnavailable, message: expect.stringMatching(/^the database is unavailable/), headers: { 'Retry-After': '5' } });
    }
    for (const error of [named('MaxRetriesPerRequestError', 'Reached the max retries per request limit'), new Error('Connection is closed.')]) {
      expect(toAppException(error)).toMatchObject({ code: ErrorCode.ServiceUnavailable, message: expect.stringMatching(/^Redis is unavailable/) });
    }
    expect(toAppException(new Error('something else'))).toBeNull();
  });

  it('keeps an AppException as it is', () => {
    const error = AppException.notFound('device');
    expect(toAppException(error)).toBe(error);
    expect(error.message).toBe('device not found');
  });

  it('translates framework and database errors clients cause into 4xx codes', () => {
    expect(toAppException(new NotFoundException('Cannot GET /x'))).toMatchObject({
      code: ErrorCode.NotFound,
      message: 'route not found',
    });
    expect(toAppException(new BadRequestException(['name must be shorter']))).toMatchObject({
      code: ErrorCode.ValidationFailed,
      message: 'name must be shorter',
    });
    expect(toAppException({ code: 11000, keyValue: { name: 'kitchen-pi' } })).toMatchObject({
      code: ErrorCode.Conflict,
      details: { fields: ['name'] },
    });
    expect(
      toAppException({
        code: 1,
        message: 'constraint failed: UNIQUE constraint failed: index devices_name (2067)',
      }),
    ).toMatchObject({ code: ErrorCode.Conflict });
    expect(toAppException({ type: 'entity.too.large', status: 413 })).toMatchObject({
      code: ErrorCode.ValidationFailed,
      message: 'request body is too large',
    });
  });

  it('leaves unknown errors unmapped, so they become a 500 with an error id', () => {
    expect(toAppException(new TypeError('x is undefined'))).toBeNull();
    expect(toAppException('a string')).toBeNull();
  });
});
