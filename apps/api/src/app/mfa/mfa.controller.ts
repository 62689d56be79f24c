import { Body, Controller, Get, Header, HttpCode, HttpStatus, Param, Post, Put, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import {
  type AuthenticatedUser,
  AuthenticatedUserOnly,
  CurrentUser,
  type LoginResponse,
  type MfaCredentials,
  MfaService,
} from '@fleetgate/identity';
import { LoginResponseDto } from '../auth/dtos/login.response.dto';
import { AuthRateLimited } from '../common/auth-rate-limit.guard';
import { ClientAddress } from '../common/client-address.decorator';
import {
  MfaAuthRequestDto,
  MfaDisableRequestDto,
  MfaEnableRequestDto,
  MfaRecoverRequestDto,
  MfaResetRequestDto,
  MfaResetRequestRequestDto,
  MfaUserParamsDto,
} from './dtos/mfa.request.dto';
import { MfaCredentialsDto } from './dtos/mfa.response.dto';

const lockoutHeader = {
  'X-Account-Lockout': {
    description:
      'Unix seconds when the lockout of this (client address, user) pair ends; 0 when there is none.',
    schema: { type: 'integer' },
  },
} as const;
const lockedOut = 'Too many failed codes or passwords from this client address for this user.';

@ApiTags('mfa')
@ApiBadRequestResponse({ description: 'A field is missing or malformed.' })
@Controller('api/user/mfa')
export class MfaController {
  constructor(private readonly mfa: MfaService) {}

  @Get('generate')
  @AuthenticatedUserOnly()
  @ApiOperation({
    operationId: 'generateMFA',
    summary: 'New TOTP secret, otpauth link and recovery codes; nothing is stored until enableMFA',
  })
  @ApiOkResponse({ type: MfaCredentialsDto })
  generate(@CurrentUser() user: AuthenticatedUser): Promise<MfaCredentials> {
    return this.mfa.generate(user.userId);
  }

  @Put('enable')
  @AuthenticatedUserOnly()
  @ApiOperation({
    operationId: 'enableMFA',
    summary: 'Enable MFA with generateMFA’s credentials and a current code',
  })
  @ApiOkResponse({ description: 'Enabled.' })
  @ApiBadRequestResponse({ description: 'A field is malformed, or the user has no recovery e-mail.' })
  @ApiForbiddenResponse({ description: 'MFA is already enabled, or the code does not match the secret.' })
  enable(@CurrentUser() user: AuthenticatedUser, @Body() body: MfaEnableRequestDto): Promise<void> {
    return this.mfa.enable(user.userId, body);
  }

  @Put('disable')
  @AuthenticatedUserOnly()
  @ApiOperation({
    operationId: 'disableMFA',
    summary:
      'Disable MFA with a current code or a recovery code (including one used to recover in the last 10 min)',
  })
  @ApiOkResponse({ description: 'Disabled.' })
  @ApiBadRequestResponse({ description: 'Neither code nor recovery_code, or MFA is not enabled.' })
  @ApiForbiddenResponse({ description: 'The code is wrong, used, or expired.' })
  @ApiTooManyRequestsResponse({ description: lockedOut, headers: lockoutHeader })
  disable(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: MfaDisableRequestDto,
    @ClientAddress() clientAddress: string,
  ): Promise<void> {
    return this.mfa.disable(user.userId, body, clientAddress);
  }

  @Post('auth')
  @HttpCode(HttpStatus.OK)
  @Header('X-Account-Lockout', '0')
  @ApiOperation({ operationId: 'authMFA', summary: 'Finish a login with the X-MFA-Token and a current code' })
  @ApiOkResponse({ type: LoginResponseDto, headers: lockoutHeader })
  @ApiUnauthorizedResponse({
    description: 'Unknown, used or expired token, or a wrong or used code.',
    headers: lockoutHeader,
  })
  @AuthRateLimited()
  authenticate(
    @Body() body: MfaAuthRequestDto,
    @ClientAddress() clientAddress: string,
  ): Promise<LoginResponse> {
    return this.mfa.authenticate(body, clientAddress);
  }

  @Post('recover')
  @HttpCode(HttpStatus.OK)
  @Header('X-Account-Lockout', '0')
  @ApiOperation({
    operationId: 'mfaRecover',
    summary: 'Log in with a recovery code; it may be used once more within 10 minutes to disable MFA',
  })
  @ApiOkResponse({
    type: LoginResponseDto,
    headers: {
      ...lockoutHeader,
      'X-Expires-At': {
        description: 'Unix seconds until which the recovery code can still disable MFA.',
        schema: { type: 'integer' },
      },
    },
  })
  @ApiUnauthorizedResponse({
    description: 'Unknown user or a wrong or used recovery code.',
    headers: lockoutHeader,
  })
  @AuthRateLimited()
  async recover(
    @Body() body: MfaRecoverRequestDto,
    @ClientAddress() clientAddress: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<LoginResponse> {
    const { login, expiresAt } = await this.mfa.recover(body, clientAddress);
    response.setHeader('X-Expires-At', String(expiresAt));
    return login;
  }

  @Post('reset')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'requestResetMFA',
    summary: 'E-mail one reset code to the main and one to the recovery address (valid one day)',
  })
  @ApiOkResponse({ description: 'Answered alike whether or not the account exists and has MFA.' })
  @AuthRateLimited()
  async requestReset(@Body() body: MfaResetRequestRequestDto): Promise<void> {
    await this.mfa.requestReset(body.identifier);
  }

  @Put('reset/:id')
  @Header('X-Account-Lockout', '0')
  @ApiOperation({ operationId: 'resetMFA', summary: 'Disable MFA with both e-mailed codes and log in' })
  @ApiOkResponse({ type: LoginResponseDto, headers: lockoutHeader })
  @ApiUnauthorizedResponse({ description: 'A code is wrong, used or expired.', headers: lockoutHeader })
  @AuthRateLimited()
  reset(
    @Param() { id }: MfaUserParamsDto,
    @Body() body: MfaResetRequestDto,
    @ClientAddress() clientAddress: string,
  ): Promise<LoginResponse> {
    return this.mfa.reset(id, body, clientAddress);
  }
}
