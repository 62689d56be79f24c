import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Page } from '@fleetgate/data-access';
import {
  AuthenticationPolicyService,
  ChannelPoliciesService,
  type ChannelPolicyView,
  type GatewayAuthenticationPolicy,
} from '@fleetgate/gateway';
import { type AuthenticatedMember, Authenticated, CurrentMember, Permission, RequirePermission } from '@fleetgate/identity';
import { ListQueryDto } from '../common/list.query.dto';
import { Paginated } from '../common/paginated.decorator';
import { AuthenticationPolicyDto } from './dtos/authentication-policy.dto';
import { ChannelPolicyDto, ChannelPolicyParamsDto, ChannelPolicyRequestDto } from './dtos/channel-policy.request.dto';

@ApiTags('gateway policies')
@Authenticated()
@Controller('api/gateway')
export class GatewayPoliciesController {
  constructor(
    private readonly channelPolicies: ChannelPoliciesService,
    private readonly authenticationPolicy: AuthenticationPolicyService,
  ) {}

  @Get('channel-policies')
  @ApiOperation({ operationId: 'getChannelPolicies', summary: 'List the namespace’s SSH channel policies, by priority' })
  @Paginated(ChannelPolicyDto)
  list(@CurrentMember() member: AuthenticatedMember, @Query() query: ListQueryDto): Promise<Page<ChannelPolicyView>> {
    return this.channelPolicies.list(member.scope, { page: query.page, perPage: query.per_page });
  }

  @Post('channel-policies')
  @HttpCode(HttpStatus.OK)
  @RequirePermission(Permission.ChannelPolicyCreate)
  @ApiOperation({ operationId: 'createChannelPolicy', summary: 'Create a channel policy' })
  @ApiOkResponse({ type: ChannelPolicyDto })
  @ApiBadRequestResponse({ description: 'A field, pattern or address is invalid.' })
  create(@CurrentMember() member: AuthenticatedMember, @Body() body: ChannelPolicyRequestDto): Promise<ChannelPolicyView> {
    return this.channelPolicies.create(member.scope, body);
  }

  @Get('channel-policies/:id')
  @ApiOperation({ operationId: 'getChannelPolicy', summary: 'Get a channel policy' })
  @ApiOkResponse({ type: ChannelPolicyDto })
  @ApiNotFoundResponse({ description: 'No such policy in this namespace.' })
  get(@CurrentMember() member: AuthenticatedMember, @Param() { id }: ChannelPolicyParamsDto): Promise<ChannelPolicyView> {
    return this.channelPolicies.get(member.scope, id);
  }

  @Put('channel-policies/:id')
  @RequirePermission(Permission.ChannelPolicyEdit)
  @ApiOperation({ operationId: 'updateChannelPolicy', summary: 'Replace a channel policy' })
  @ApiOkResponse({ type: ChannelPolicyDto })
  @ApiBadRequestResponse({ description: 'A field, pattern or address is invalid.' })
  @ApiNotFoundResponse({ description: 'No such policy in this namespace.' })
  update(
    @CurrentMember() member: AuthenticatedMember,
    @Param() { id }: ChannelPolicyParamsDto,
    @Body() body: ChannelPolicyRequestDto,
  ): Promise<ChannelPolicyView> {
    return this.channelPolicies.update(member.scope, id, body);
  }

  @Delete('channel-policies/:id')
  @RequirePermission(Permission.ChannelPolicyRemove)
  @ApiOperation({ operationId: 'deleteChannelPolicy', summary: 'Delete a channel policy' })
  @ApiOkResponse({ description: 'Deleted.' })
  @ApiNotFoundResponse({ description: 'No such policy in this namespace.' })
  async delete(@CurrentMember() member: AuthenticatedMember, @Param() { id }: ChannelPolicyParamsDto): Promise<void> {
    await this.channelPolicies.delete(member.scope, id);
  }

  @Get('authentication-policy')
  @ApiOperation({ operationId: 'getAuthenticationPolicy', summary: 'How people authenticate at the gateway for this namespace' })
  @ApiOkResponse({ type: AuthenticationPolicyDto })
  getAuthenticationPolicy(@CurrentMember() member: AuthenticatedMember): Promise<GatewayAuthenticationPolicy> {
    return this.authenticationPolicy.get(member.scope);
  }

  @Put('authentication-policy')
  @RequirePermission(Permission.AuthenticationPolicyEdit)
  @ApiOperation({ operationId: 'updateAuthenticationPolicy', summary: 'Replace the namespace’s gateway authentication policy' })
  @ApiOkResponse({ type: AuthenticationPolicyDto })
  @ApiBadRequestResponse({ description: 'No method allowed, or MFA required without public keys.' })
  updateAuthenticationPolicy(
    @CurrentMember() member: AuthenticatedMember,
    @Body() body: AuthenticationPolicyDto,
  ): Promise<GatewayAuthenticationPolicy> {
    return this.authenticationPolicy.put(member.scope, body);
  }
}
