import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { AppException } from '@fleetgate/errors';
import {
  type AuthenticatedMember,
  type AuthenticatedUser,
  MemberAuthenticationService,
} from './member-authentication.service';
import type { Permission } from './permissions';

export const REQUIRED_PERMISSION = 'fleetgate:required-permission';
export const API_KEY_ACCESS = 'fleetgate:api-key-access';

/**
 * Whether an API key may call a route. Routes with a permission follow the role matrix (`apiKeyAllows`); for the
 * rest, reads are allowed and anything else is blocked unless the route says otherwise, so that a new mutation
 * without a permission (leave a namespace, say) is closed to keys by default.
 */
export type ApiKeyAccess = 'allowed' | 'blocked';

const readMethods = new Set(['GET', 'HEAD']);

export type MemberRequest = Request & { member?: AuthenticatedMember; user?: AuthenticatedUser };

/** The one place that authenticates users: every member route passes through it (see `@Authenticated()`). */
@Injectable()
export class MemberGuard implements CanActivate {
  constructor(
    private readonly authentication: MemberAuthenticationService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<MemberRequest>();
    const member = await this.authentication.authenticate({
      authorization: request.get('authorization'),
      tenantId: request.get('x-tenant-id'),
      apiKey: request.get('x-api-key'),
    });
    const targets = [context.getHandler(), context.getClass()];
    const permission = this.reflector.getAllAndOverride<Permission | undefined>(REQUIRED_PERMISSION, targets);
    if (member.apiKey) {
      const access = this.reflector.getAllAndOverride<ApiKeyAccess | undefined>(API_KEY_ACCESS, targets);
      const byDefault: ApiKeyAccess = permission || readMethods.has(request.method) ? 'allowed' : 'blocked';
      if ((access ?? byDefault) === 'blocked') throw AppException.forbidden('API keys may not do this');
      // ShellHub's gateway answers who an API key acts as in these headers.
      const response = context.switchToHttp().getResponse<Response>();
      response.setHeader('X-Tenant-ID', member.scope.tenantId);
      response.setHeader('X-Role', member.role);
    }
    if (permission) this.authentication.authorize(member, permission);
    request.member = member;
    return true;
  }
}

/** User-level routes (see `@AuthenticatedUserOnly()`): the user token only, no namespace, no role. */
@Injectable()
export class UserGuard implements CanActivate {
  constructor(private readonly authentication: MemberAuthenticationService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<MemberRequest>();
    this.authentication.refuseApiKey(request.get('x-api-key'));
    request.user = await this.authentication.authenticateUser(request.get('authorization'));
    return true;
  }
}
