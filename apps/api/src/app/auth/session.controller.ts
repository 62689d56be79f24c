import { Controller, Delete, Get, Headers, Param } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import {
  type AuthenticatedUser,
  AuthenticatedUserOnly,
  CurrentUser,
  type LoginResponse,
  LoginService,
  UserSessionService,
} from '@fleetgate/identity';
import { LoginResponseDto } from './dtos/login.response.dto';
import { TenantParamDto } from './dtos/tenant.param.dto';

/**
 * User-level session routes: who am I, and a token for another namespace of mine. They need a valid user token but
 * no membership of the token's namespace (the caller may be switching away from one they left).
 */
@ApiTags('auth')
@ApiOkResponse({ type: LoginResponseDto })
@Controller('api')
export class SessionController {
  constructor(
    private readonly logins: LoginService,
    private readonly sessions: UserSessionService,
  ) {}

  @Get('auth/user')
  @AuthenticatedUserOnly()
  @ApiOperation({
    operationId: 'getUserInfo',
    summary: 'The caller, with a fresh token for the token’s namespace',
    description:
      'The fresh token belongs to the same session: it expires 72 hours from now or when the session reaches its ' +
      'maximum age (MAX_SESSION_HOURS from the login), whichever comes first.',
  })
  @ApiUnauthorizedResponse({
    description:
      'The token is invalid or expired, the session ended (password or MFA change, sign-out), or it is too old.',
  })
  userInfo(@Headers('authorization') authorization: string): Promise<LoginResponse> {
    return this.logins.currentUser(authorization);
  }

  @Get('auth/token/:tenant')
  @AuthenticatedUserOnly()
  @ApiOperation({ operationId: 'getNamespaceToken', summary: 'A token for another namespace of the caller' })
  @ApiBadRequestResponse({ description: 'The tenant is not a UUID.' })
  @ApiForbiddenResponse({ description: 'The caller is not an accepted member of that namespace.' })
  namespaceToken(
    @CurrentUser() user: AuthenticatedUser,
    @Param() params: TenantParamDto,
  ): Promise<LoginResponse> {
    return this.logins.switchNamespace(user, params.tenant);
  }

  @Get('token/:tenant')
  @AuthenticatedUserOnly()
  @ApiOperation({ operationId: 'getToken', summary: 'Alias of GET /api/auth/token/{tenant}' })
  @ApiBadRequestResponse({ description: 'The tenant is not a UUID.' })
  @ApiForbiddenResponse({ description: 'The caller is not an accepted member of that namespace.' })
  token(@CurrentUser() user: AuthenticatedUser, @Param() params: TenantParamDto): Promise<LoginResponse> {
    return this.logins.switchNamespace(user, params.tenant);
  }

  @Delete('auth/sessions')
  @AuthenticatedUserOnly()
  @ApiOperation({
    operationId: 'endAllSessions',
    summary: 'Sign out everywhere: every token of the caller, this one included, stops working',
    description:
      'Sessions also end by themselves when the password is changed or reset and when MFA is enabled, disabled or ' +
      'reset. API keys are not sessions and keep working.',
  })
  @ApiOkResponse({ description: 'Every session ended; log in again.' })
  @ApiUnauthorizedResponse({ description: 'No valid user token.' })
  async endAllSessions(@CurrentUser() user: AuthenticatedUser): Promise<void> {
    await this.sessions.endEverySession(user.userId);
  }
}
