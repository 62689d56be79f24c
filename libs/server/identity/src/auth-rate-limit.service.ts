import { type DynamicModule, Inject, Injectable, Module } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { ErrorCode } from '@fleetgate/contracts';
import { AppException } from '@fleetgate/errors';
import { REDIS_CONNECTION, REDIS_KEY_PREFIX } from '@fleetgate/queue';

export const AUTH_RATE_LIMIT_OPTIONS = Symbol('AUTH_RATE_LIMIT_OPTIONS');

export interface AuthRateLimitOptions {
  /** Requests per client address per minute to the anonymous authentication routes; 0 or less turns it off. */
  perMinute: number;
}

/**
 * One budget per client address for every anonymous authentication route (login, MFA codes, recovery, sign-up,
 * e-mail confirmation), counted in Redis so that it holds across API replicas and restarts. It sits beside the
 * login lockout (`LoginLockoutService`), which stops guessing one account: this stops one address trying many
 * accounts, or flooding sign-ups and e-mails. Over budget: 429 with `Retry-After`.
 */
@Injectable()
export class AuthRateLimitService {
  private readonly limiter: RateLimiterRedis | null;

  constructor(
    @Inject(REDIS_CONNECTION) redis: Redis,
    @Inject(REDIS_KEY_PREFIX) prefix: string,
    @Inject(AUTH_RATE_LIMIT_OPTIONS) options: AuthRateLimitOptions,
  ) {
    this.limiter =
      options.perMinute > 0
        ? new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:auth-rate`, points: options.perMinute, duration: 60 })
        : null;
  }

  /** Counts one request of `clientAddress`; throws the 429 when its minute's budget is spent. */
  async consume(clientAddress: string): Promise<void> {
    if (!this.limiter) return;
    try {
      await this.limiter.consume(clientAddress);
    } catch (outcome) {
      // The library rejects with its result when the budget is spent, and with the Redis error otherwise.
      if (!(outcome instanceof RateLimiterRes)) throw outcome;
      const seconds = Math.max(1, Math.ceil(outcome.msBeforeNext / 1000));
      throw new AppException(
        ErrorCode.TooManyRequests,
        `too many authentication requests from your address; try again in ${seconds} seconds`,
        undefined,
        { 'Retry-After': String(seconds) },
      );
    }
  }
}

/** Global, like the lockout: the guard that applies it lives with the API's controllers. */
@Module({})
export class AuthRateLimitModule {
  static forRoot(options: AuthRateLimitOptions): DynamicModule {
    return {
      module: AuthRateLimitModule,
      global: true,
      providers: [{ provide: AUTH_RATE_LIMIT_OPTIONS, useValue: options }, AuthRateLimitService],
      exports: [AuthRateLimitService],
    };
  }
}
