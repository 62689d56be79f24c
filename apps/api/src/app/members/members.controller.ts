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
  Query,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AuthRateLimited } from '../common/auth-rate-limit.guard';
import {
  type AuthenticatedMember,
  Authenticated,
  type AuthenticatedUser,
  AuthenticatedUserOnly,
  CurrentMember,
  CurrentUser,
  Permission,
  RequirePermission,
} from '@fleetgate/identity';
import { type InvitationStatus, MembersService, type NamespaceView } from '@fleetgate/namespaces';
import { NamespaceTenantParamsDto } from '../namespaces/dtos/namespace.params.dto';
import { NamespaceDto } from '../namespaces/dtos/namespace.response.dto';
import {
  AcceptInviteRequestDto,
  InvitationLookupQueryDto,
  InvitationStatusDto,
} from './dtos/accept-invite.request.dto';
import { MemberInviteRequestDto, MemberUpdateRequestDto } from './dtos/member-invite.request.dto';
import { InvitationLookupParamsDto, MemberParamsDto } from './dtos/member.params.dto';

const notMine = 'Not a namespace the caller is acting in (token’s tenant or X-Tenant-ID), or no such member.';

@ApiTags('members')
@Controller('api/namespaces/:tenant/members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Post()
  // ShellHub answers 200, not 201.
  @HttpCode(HttpStatus.OK)
  @Authenticated()
  @RequirePermission(Permission.NamespaceAddMember)
  @ApiOperation({
    operationId: 'addNamespaceMember',
    summary: 'Invite someone by e-mail; they stay pending until they accept the e-mailed link (valid 7 days)',
  })
  @ApiOkResponse({ type: NamespaceDto })
  @ApiBadRequestResponse({ description: 'Invalid e-mail or role.' })
  @ApiForbiddenResponse({ description: 'The role is above the caller’s, or is owner.' })
  @ApiNotFoundResponse({ description: notMine })
  @ApiConflictResponse({ description: 'Already a member.' })
  invite(
    @CurrentMember() member: AuthenticatedMember,
    @Param() { tenant }: NamespaceTenantParamsDto,
    @Body() body: MemberInviteRequestDto,
  ): Promise<NamespaceView> {
    return this.members.invite(member, tenant, body);
  }

  @Delete()
  @Authenticated()
  @ApiOperation({ operationId: 'leaveNamespace', summary: 'Leave the namespace (the owner cannot)' })
  @ApiOkResponse({ description: 'Left.' })
  @ApiForbiddenResponse({ description: 'The owner cannot leave.' })
  @ApiNotFoundResponse({ description: notMine })
  leave(
    @CurrentMember() member: AuthenticatedMember,
    @Param() { tenant }: NamespaceTenantParamsDto,
  ): Promise<void> {
    return this.members.leave(member, tenant);
  }

  // Declared before `:uid` so that `accept-invite` is not taken for a member id.
  @Patch('accept-invite')
  @AuthenticatedUserOnly()
  @ApiOperation({ operationId: 'acceptInvite', summary: 'Accept an invitation, as the invited user' })
  @ApiOkResponse({ description: 'Accepted.' })
  @ApiBadRequestResponse({ description: 'Invalid or expired signature.' })
  @ApiForbiddenResponse({ description: 'The invitation is for another user.' })
  @ApiNotFoundResponse({ description: 'No such invitation (withdrawn).' })
  acceptInvite(
    @CurrentUser() user: AuthenticatedUser,
    @Param() { tenant }: NamespaceTenantParamsDto,
    @Body() body: AcceptInviteRequestDto,
  ): Promise<void> {
    return this.members.acceptInvitation(user.userId, tenant, body.sig);
  }

  @Get(':id/accept-invite')
  @ApiOperation({
    operationId: 'lookupUserStatus',
    summary:
      'The invited user’s account status, to choose between sign-up and log-in; the signature authenticates',
  })
  @ApiOkResponse({ type: InvitationStatusDto })
  @ApiUnauthorizedResponse({
    description: 'Invalid or expired signature, or not for this namespace and user.',
  })
  @ApiNotFoundResponse({ description: 'No such invitation (withdrawn).' })
  @AuthRateLimited()
  lookupStatus(
    @Param() { tenant, id }: InvitationLookupParamsDto,
    @Query() query: InvitationLookupQueryDto,
  ): Promise<InvitationStatus> {
    return this.members.invitationStatus(tenant, id, query.sig);
  }

  @Patch(':uid')
  @Authenticated()
  @RequirePermission(Permission.NamespaceEditMember)
  @ApiOperation({ operationId: 'updateNamespaceMember', summary: 'Change a member’s role' })
  @ApiOkResponse({ description: 'Changed.' })
  @ApiForbiddenResponse({
    description: 'The member or the new role is above the caller’s, is owner, or is the caller.',
  })
  @ApiNotFoundResponse({ description: notMine })
  updateRole(
    @CurrentMember() member: AuthenticatedMember,
    @Param() { tenant, uid }: MemberParamsDto,
    @Body() body: MemberUpdateRequestDto,
  ): Promise<void> {
    return this.members.updateRole(member, tenant, uid, body.role);
  }

  @Delete(':uid')
  @Authenticated()
  @RequirePermission(Permission.NamespaceRemoveMember)
  @ApiOperation({
    operationId: 'removeNamespaceMember',
    summary: 'Remove a member or withdraw an invitation',
  })
  @ApiOkResponse({ type: NamespaceDto })
  @ApiForbiddenResponse({ description: 'The member’s role is above the caller’s, or is owner.' })
  @ApiNotFoundResponse({ description: notMine })
  remove(
    @CurrentMember() member: AuthenticatedMember,
    @Param() { tenant, uid }: MemberParamsDto,
  ): Promise<NamespaceView> {
    return this.members.remove(member, tenant, uid);
  }
}
