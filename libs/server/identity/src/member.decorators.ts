import {
  applyDecorators,
  createParamDecorator,
  type ExecutionContext,
  SetMetadata,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiHeader,
  ApiSecurity,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { AuthenticatedMember, AuthenticatedUser } from './member-authentication.service';
import {
  API_KEY_ACCESS,
  type ApiKeyAccess,
  MemberGuard,
  type MemberRequest,
  REQUIRED_PERMISSION,
  UserGuard,
} from './member.guard';
import type { Permission } from './permissions';

export interface AuthenticatedOptions {
  /**
   * Overrides whether an API key may call the route(s). Without it, routes with a permission follow the role
   * matrix, other reads are allowed and other writes are blocked.
   */
  apiKey?: ApiKeyAccess;
}

/**
 * Puts a controller (or route) behind `MemberGuard`: a valid user token and an accepted membership, or an
 * `X-API-KEY` whose creator is still an accepted member.
 */
export function Authenticated(options: AuthenticatedOptions = {}): ClassDecorator & MethodDecorator {
  return applyDecorators(
    UseGuards(MemberGuard),
    ...(options.apiKey ? [SetMetadata(API_KEY_ACCESS, options.apiKey)] : []),
    ApiBearerAuth(),
    ApiSecurity('api-key'),
    ApiHeader({
      name: 'X-Tenant-ID',
      required: false,
      description: 'Namespace to act in; defaults to the token’s.',
    }),
    ApiUnauthorizedResponse({ description: 'Missing, invalid or expired token.' }),
    ApiForbiddenResponse({
      description:
        'Not an accepted member of the namespace, the role does not allow this, or an API key may not.',
    }),
  );
}

/** For one route of a controller behind `@Authenticated()`: whether an API key may call it (see `AuthenticatedOptions`). */
export function ApiKeyAccessible(access: ApiKeyAccess): MethodDecorator {
  return SetMetadata(API_KEY_ACCESS, access);
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
export const CurrentUser = createParamDecorator(
  (_: unknown, context: ExecutionContext): AuthenticatedUser => {
    const user = context.switchToHttp().getRequest<MemberRequest>().user;
    if (!user) throw new Error('@CurrentUser() needs a route behind @AuthenticatedUserOnly()');
    return user;
  },
);
