import { Controller, Get, Headers, Param } from '@nestjs/common';
import { ApiBadRequestResponse, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  type AuthenticatedUser,
  AuthenticatedUserOnly,
  CurrentUser,
  type LoginResponse,
  LoginService,
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
  constructor(private readonly logins: LoginService) {}

  @Get('auth/user')
  @AuthenticatedUserOnly()
  @ApiOperation({ operationId: 'getUserInfo', summary: 'The caller, with a fresh token for the token’s namespace' })
  userInfo(@Headers('authorization') authorization: string): Promise<LoginResponse> {
    return this.logins.currentUser(authorization);
  }

  @Get('auth/token/:tenant')
  @AuthenticatedUserOnly()
  @ApiOperation({ operationId: 'getNamespaceToken', summary: 'A token for another namespace of the caller' })
  @ApiBadRequestResponse({ description: 'The tenant is not a UUID.' })
  @ApiForbiddenResponse({ description: 'The caller is not an accepted member of that namespace.' })
  namespaceToken(@CurrentUser() user: AuthenticatedUser, @Param() params: TenantParamDto): Promise<LoginResponse> {
    return this.logins.switchNamespace(user.userId, params.tenant);
  }

  @Get('token/:tenant')
  @AuthenticatedUserOnly()
  @ApiOperation({ operationId: 'getToken', summary: 'Alias of GET /api/auth/token/{tenant}' })
  @ApiBadRequestResponse({ description: 'The tenant is not a UUID.' })
  @ApiForbiddenResponse({ description: 'The caller is not an accepted member of that namespace.' })
  token(@CurrentUser() user: AuthenticatedUser, @Param() params: TenantParamDto): Promise<LoginResponse> {
    return this.logins.switchNamespace(user.userId, params.tenant);
  }
}
