import {
  applyDecorators,
  createParamDecorator,
  type ExecutionContext,
  SetMetadata,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiHeader, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { AuthenticatedMember, AuthenticatedUser } from './member-authentication.service';
import { MemberGuard, type MemberRequest, REQUIRED_PERMISSION, UserGuard } from './member.guard';
import type { Permission } from './permissions';

/** Puts a controller (or route) behind `MemberGuard`: a valid user token and an accepted membership. */
export function Authenticated(): ClassDecorator & MethodDecorator {
  return applyDecorators(
    UseGuards(MemberGuard),
    ApiBearerAuth(),
    ApiHeader({
      name: 'X-Tenant-ID',
      required: false,
      description: 'Namespace to act in; defaults to the token’s.',
    }),
    ApiUnauthorizedResponse({ description: 'Missing, invalid or expired token.' }),
    ApiForbiddenResponse({
      description: 'Not an accepted member of the namespace, or the role does not allow this.',
    }),
  );
}

/** The permission the member's role must grant, checked by `MemberGuard` after authentication. */
export function RequirePermission(permission: Permission): MethodDecorator {
  return applyDecorators(SetMetadata(REQUIRED_PERMISSION, permission));
}

/** The member `MemberGuard` authenticated for this request. */
export const CurrentMember = createParamDecorator(
  (_: unknown, context: ExecutionContext): AuthenticatedMember => {
    const member = context.switchToHttp().getRequest<MemberRequest>().member;
    if (!member) throw new Error('@CurrentMember() needs a route behind @Authenticated()');
    return member;
  },
);

/** Puts a route behind `UserGuard`: a valid user token of a confirmed user, before or across namespaces. */
export function AuthenticatedUserOnly(): ClassDecorator & MethodDecorator {
  return applyDecorators(
    UseGuards(UserGuard),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Missing, invalid or expired token.' }),
  );
}

/** The user `UserGuard` authenticated for this request. */
export const CurrentUser = createParamDecorator((_: unknown, context: ExecutionContext): AuthenticatedUser => {
  const user = context.switchToHttp().getRequest<MemberRequest>().user;
  if (!user) throw new Error('@CurrentUser() needs a route behind @AuthenticatedUserOnly()');
  return user;
});
