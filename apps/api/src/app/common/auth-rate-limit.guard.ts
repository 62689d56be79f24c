import { applyDecorators, type CanActivate, type ExecutionContext, Injectable, UseGuards } from '@nestjs/common';
import { ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { AuthRateLimitService } from '@fleetgate/identity';
import { clientAddressOf } from './client-address.decorator';

/** Counts the request against its client address's budget (as the API believes the address: TRUSTED_PROXIES). */
@Injectable()
export class AuthRateLimitGuard implements CanActivate {
  constructor(private readonly limits: AuthRateLimitService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    await this.limits.consume(clientAddressOf(context.switchToHttp().getRequest<Request>()));
    return true;
  }
}

/**
 * Every anonymous authentication route (login, MFA codes and recovery, sign-up, password recovery, e-mail
 * confirmation, setup): one budget per client address across all of them (AUTH_RATE_LIMIT_PER_MINUTE).
 */
export function AuthRateLimited(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    UseGuards(AuthRateLimitGuard),
    ApiTooManyRequestsResponse({
      description:
        'Too many requests from this client address to the authentication routes (AUTH_RATE_LIMIT_PER_MINUTE, ' +
        'shared by every API replica), or, where the route checks a password or code, the lockout of this address ' +
        'for the account (X-Account-Lockout).',
      headers: {
        'Retry-After': { description: 'Seconds until a new attempt may be made.', schema: { type: 'integer' } },
        'X-Account-Lockout': {
          description: 'On a lockout: unix seconds when it ends; 0 when there is none.',
          schema: { type: 'integer' },
        },
      },
    }),
  );
}
