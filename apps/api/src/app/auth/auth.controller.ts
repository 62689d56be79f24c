import { Body, Controller, Header, HttpCode, HttpStatus, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { type LoginResponse, LoginService } from '@fleetgate/identity';
import { AuthRateLimited } from '../common/auth-rate-limit.guard';
import { ClientAddress } from '../common/client-address.decorator';
import { LoginRequestDto } from './dtos/login.request.dto';
import { LoginResponseDto } from './dtos/login.response.dto';

const lockoutHeader = {
  'X-Account-Lockout': {
    description: 'Unix seconds when the lockout of this (client address, user) pair ends; 0 when there is none.',
    schema: { type: 'integer' },
  },
} as const;

const loginHeaders = {
  ...lockoutHeader,
  'X-MFA-Token': {
    description: 'Empty, except on the 401 of a right password for a user with MFA: the token for /api/user/mfa/auth.',
    schema: { type: 'string' },
  },
} as const;

@ApiTags('auth')
@ApiOkResponse({ type: LoginResponseDto, headers: loginHeaders })
@ApiBadRequestResponse({ description: 'A field is missing or malformed.' })
@ApiUnauthorizedResponse({
  description:
    'Wrong username or password; or, with X-MFA-Token set, the password was right and the user has MFA: finish ' +
    'with POST /api/user/mfa/auth.',
  headers: loginHeaders,
})
@ApiForbiddenResponse({ description: 'The account is not confirmed yet.' })
@Controller('api')
export class AuthController {
  constructor(private readonly logins: LoginService) {}

  @Post('login')
  @HttpCode(HttpStatus.OK)
  @Header('X-Account-Lockout', '0')
  // ShellHub sets it on every login response; the MFA step replaces it with the token.
  @Header('X-MFA-Token', '')
  @ApiOperation({ operationId: 'login', summary: 'Log in with a username or e-mail address and a password' })
  @AuthRateLimited()
  login(@Body() body: LoginRequestDto, @ClientAddress() clientAddress: string): Promise<LoginResponse> {
    return this.logins.login(body, clientAddress);
  }

  @Post('auth/user')
  @HttpCode(HttpStatus.OK)
  @Header('X-Account-Lockout', '0')
  // ShellHub sets it on every login response; the MFA step replaces it with the token.
  @Header('X-MFA-Token', '')
  @ApiOperation({ operationId: 'authUser', summary: 'Alias of POST /api/login' })
  @AuthRateLimited()
  authUser(@Body() body: LoginRequestDto, @ClientAddress() clientAddress: string): Promise<LoginResponse> {
    return this.logins.login(body, clientAddress);
  }
}
