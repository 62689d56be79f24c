import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { AuthRateLimited } from '../common/auth-rate-limit.guard';
import {
  Authenticated,
  type AuthenticatedMember,
  type AuthenticatedUser,
  AuthenticatedUserOnly,
  CurrentMember,
  CurrentUser,
  Permission,
  RequirePermission,
} from '@fleetgate/identity';
import { scopeOfPath } from '@fleetgate/namespaces';
import { AppException } from '@fleetgate/errors';
import { UserAccountsService } from '@fleetgate/users';
import { TenantParamDto } from '../auth/dtos/tenant.param.dto';
import {
  ConfirmAddressRequestDto,
  RecoverPasswordParamsDto,
  RegisterRequestDto,
  SessionRecordRequestDto,
  UpdateRecoverPasswordRequestDto,
  UpdateUserDataRequestDto,
  UpdateUserPasswordRequestDto,
  UpdateUserRequestDto,
  UserIdParamsDto,
  UsernameRequestDto,
  ValidationAccountQueryDto,
} from './dtos/users.request.dto';

const conflict = { description: 'The username or e-mail address is taken; `details` names the fields.' };

/** The deprecated `/api/users/{id}/…` routes act on the caller only. */
function requireSelf(user: AuthenticatedUser, id: string): void {
  if (user.userId !== id) throw AppException.forbidden('a user can change only their own account');
}

@ApiTags('users')
@Controller('api')
export class UsersController {
  constructor(private readonly accounts: UserAccountsService) {}

  @Post('register')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'registerUser',
    summary: 'Sign up; the account is confirmed through an e-mailed link',
  })
  @ApiOkResponse({
    description: 'Registered; a confirmation e-mail is on its way (none with an invitation sig).',
  })
  @ApiConflictResponse(conflict)
  @AuthRateLimited()
  async register(@Body() body: RegisterRequestDto): Promise<void> {
    await this.accounts.register(body);
  }

  @Get('user/validation_account')
  @ApiOperation({ operationId: 'getValidateAccount', summary: 'Confirm an account from the e-mailed link' })
  @ApiOkResponse({ description: 'Confirmed.' })
  @ApiBadRequestResponse({ description: 'The link is invalid, used or expired.' })
  @AuthRateLimited()
  async confirm(@Query() { email, token }: ValidationAccountQueryDto): Promise<void> {
    await this.accounts.confirm(email, token);
  }

  @Post('user/resend_email')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'resendEmail', summary: 'Send the confirmation e-mail again' })
  @ApiOkResponse({
    description: 'Sent when the account waits for confirmation; the answer is the same otherwise.',
  })
  @AuthRateLimited()
  async resend(@Body() { username }: UsernameRequestDto): Promise<void> {
    await this.accounts.resendConfirmation(username);
  }

  @Post('user/recover_password')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'recoverPassword', summary: 'E-mail a password recovery link' })
  @ApiOkResponse({ description: 'Sent when the account exists; the answer is the same otherwise.' })
  @AuthRateLimited()
  async recover(@Body() { username }: UsernameRequestDto): Promise<void> {
    await this.accounts.requestPasswordRecovery(username);
  }

  @Post('user/:uid/update_password')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'updateRecoverPassword',
    summary: 'Set a new password with the e-mailed token',
  })
  @ApiOkResponse({ description: 'The password is changed.' })
  @ApiBadRequestResponse({
    description: 'The token is invalid, used or expired, or the password is too short.',
  })
  @AuthRateLimited()
  async resetPassword(
    @Param() { uid }: RecoverPasswordParamsDto,
    @Body() { password, token }: UpdateRecoverPasswordRequestDto,
  ): Promise<void> {
    await this.accounts.resetPassword(uid, token, password);
  }

  @Patch('users')
  @AuthenticatedUserOnly()
  @ApiOperation({
    operationId: 'updateUser',
    summary: 'Change the caller’s profile or password',
    description:
      'A new password, email or recovery_email needs current_password. A new password ends every session, this ' +
      'one included. A new email or recovery_email takes effect only once the link e-mailed to it is opened ' +
      '(POST /api/user/confirm_address); the address it replaces is told.',
  })
  @ApiOkResponse({ description: 'Changed; new addresses wait for their confirmation link.' })
  @ApiBadRequestResponse({
    description: 'A field is invalid, recovery_email equals email or is emptied, or current_password is missing.',
  })
  @ApiForbiddenResponse({ description: 'current_password is wrong.' })
  @ApiTooManyRequestsResponse({ description: 'Too many address changes in the last hour.' })
  @ApiConflictResponse(conflict)
  async update(@CurrentUser() user: AuthenticatedUser, @Body() body: UpdateUserRequestDto): Promise<void> {
    await this.accounts.updateProfile(user.userId, body);
  }

  @Post('user/confirm_address')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'confirmAddressChange',
    summary: 'Make a new e-mail or recovery address the caller’s, with the token of the link e-mailed to it',
  })
  @ApiOkResponse({ description: 'The address is changed.' })
  @ApiBadRequestResponse({
    description: 'The token is invalid, used or expired, or the address now equals the other address.',
  })
  @ApiConflictResponse({ description: 'Someone else took the address meanwhile.' })
  @AuthRateLimited()
  async confirmAddress(@Body() { token }: ConfirmAddressRequestDto): Promise<void> {
    await this.accounts.confirmAddressChange(token);
  }

  @Patch('users/:id/data')
  @AuthenticatedUserOnly()
  @ApiOperation({
    operationId: 'updateUserData',
    summary: 'Change the caller’s profile (deprecated)',
    deprecated: true,
  })
  @ApiOkResponse({ description: 'Changed.' })
  @ApiConflictResponse(conflict)
  async updateData(
    @CurrentUser() user: AuthenticatedUser,
    @Param() { id }: UserIdParamsDto,
    @Body() body: UpdateUserDataRequestDto,
  ): Promise<void> {
    requireSelf(user, id);
    await this.accounts.updateProfile(user.userId, body);
  }

  @Patch('users/:id/password')
  @AuthenticatedUserOnly()
  @ApiOperation({
    operationId: 'updateUserPassword',
    summary: 'Change the caller’s password (deprecated)',
    deprecated: true,
  })
  @ApiOkResponse({ description: 'Changed.' })
  @ApiForbiddenResponse({ description: 'current_password is wrong.' })
  async updatePassword(
    @CurrentUser() user: AuthenticatedUser,
    @Param() { id }: UserIdParamsDto,
    @Body() body: UpdateUserPasswordRequestDto,
  ): Promise<void> {
    requireSelf(user, id);
    await this.accounts.changePassword(user.userId, body.current_password, body.new_password);
  }

  @Delete('user')
  @AuthenticatedUserOnly()
  @ApiOperation({ operationId: 'deleteUser', summary: 'Delete the caller’s account' })
  @ApiOkResponse({ description: 'Deleted, with every membership.' })
  @ApiForbiddenResponse({ description: 'The user still owns a namespace.' })
  async delete(@CurrentUser() user: AuthenticatedUser): Promise<void> {
    await this.accounts.deleteAccount(user.userId);
  }

  @Get('users/security')
  @Authenticated()
  @ApiOperation({
    operationId: 'getSessionRecord',
    summary: 'Whether the current namespace records sessions',
  })
  @ApiOkResponse({ type: Boolean })
  sessionRecord(@CurrentMember() member: AuthenticatedMember): Promise<boolean> {
    return this.accounts.sessionRecording(member.scope);
  }

  @Put('users/security/:tenant')
  @Authenticated()
  @RequirePermission(Permission.NamespaceEnableSessionRecord)
  @ApiOperation({
    operationId: 'setSessionRecord',
    summary: 'Turn session recording on or off for the namespace',
  })
  @ApiOkResponse({ description: 'Set.' })
  async setSessionRecord(
    @CurrentMember() member: AuthenticatedMember,
    @Param() { tenant }: TenantParamDto,
    @Body() { session_record }: SessionRecordRequestDto,
  ): Promise<void> {
    await this.accounts.setSessionRecording(scopeOfPath(member, tenant), session_record ?? false);
  }
}
