import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import {
  type AuthenticatedMember,
  type AuthenticatedUser,
  MemberAuthenticationService,
} from './member-authentication.service';
import type { Permission } from './permissions';

export const REQUIRED_PERMISSION = 'fleetgate:required-permission';

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
    });
    const permission = this.reflector.getAllAndOverride<Permission | undefined>(REQUIRED_PERMISSION, [
      context.getHandler(),
      context.getClass(),
    ]);
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
    request.user = await this.authentication.authenticateUser(request.get('authorization'));
    return true;
  }
}
