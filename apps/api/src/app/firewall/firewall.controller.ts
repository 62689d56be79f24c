import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Page } from '@fleetgate/data-access';
import { type FirewallRuleView, FirewallService } from '@fleetgate/firewall';
import { TagsService } from '@fleetgate/tags';
import { type AuthenticatedMember, Authenticated, CurrentMember, Permission, RequirePermission } from '@fleetgate/identity';
import { ListQueryDto } from '../common/list.query.dto';
import { Paginated } from '../common/paginated.decorator';
import { TagRequestDto, TagsRequestDto } from '../common/tag.dto';
import { FirewallRuleParamsDto, FirewallRuleTagParamsDto } from './dtos/firewall-rule.params.dto';
import { FirewallRuleRequestDto } from './dtos/firewall-rule.request.dto';
import { FirewallRuleDto } from './dtos/firewall-rule.response.dto';

@ApiTags('firewall rules')
@Authenticated()
@Controller('api/firewall/rules')
export class FirewallController {
  constructor(
    private readonly firewall: FirewallService,
    private readonly tags: TagsService,
  ) {}

  @Get()
  @ApiOperation({ operationId: 'getFirewallRules', summary: 'List the namespace’s firewall rules, by priority' })
  @Paginated(FirewallRuleDto)
  list(@CurrentMember() member: AuthenticatedMember, @Query() query: ListQueryDto): Promise<Page<FirewallRuleView>> {
    return this.firewall.list(member.scope, { page: query.page, perPage: query.per_page });
  }

  @Post()
  @HttpCode(HttpStatus.OK)
  @RequirePermission(Permission.FirewallCreate)
  @ApiOperation({ operationId: 'createFirewallRule', summary: 'Create a firewall rule' })
  @ApiOkResponse({ type: FirewallRuleDto })
  @ApiBadRequestResponse({ description: 'A field or pattern is invalid.' })
  create(@CurrentMember() member: AuthenticatedMember, @Body() body: FirewallRuleRequestDto): Promise<FirewallRuleView> {
    return this.firewall.create(member.scope, body);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getFirewallRule', summary: 'Get a firewall rule' })
  @ApiOkResponse({ type: FirewallRuleDto })
  @ApiNotFoundResponse({ description: 'No such rule in this namespace.' })
  get(@CurrentMember() member: AuthenticatedMember, @Param() { id }: FirewallRuleParamsDto): Promise<FirewallRuleView> {
    return this.firewall.get(member.scope, id);
  }

  @Put(':id')
  @RequirePermission(Permission.FirewallEdit)
  @ApiOperation({ operationId: 'updateFirewallRule', summary: 'Replace a firewall rule' })
  @ApiOkResponse({ type: FirewallRuleDto })
  @ApiNotFoundResponse({ description: 'No such rule in this namespace.' })
  update(
    @CurrentMember() member: AuthenticatedMember,
    @Param() { id }: FirewallRuleParamsDto,
    @Body() body: FirewallRuleRequestDto,
  ): Promise<FirewallRuleView> {
    return this.firewall.update(member.scope, id, body);
  }

  @Delete(':id')
  @RequirePermission(Permission.FirewallRemove)
  @ApiOperation({ operationId: 'deleteFirewallRule', summary: 'Delete a firewall rule' })
  @ApiOkResponse({ description: 'Deleted.' })
  @ApiNotFoundResponse({ description: 'No such rule in this namespace.' })
  async delete(@CurrentMember() member: AuthenticatedMember, @Param() { id }: FirewallRuleParamsDto): Promise<void> {
    await this.firewall.delete(member.scope, id);
  }

  @Post(':id/tags')
  @HttpCode(HttpStatus.OK)
  @RequirePermission(Permission.FirewallEdit)
  @ApiOperation({ operationId: 'ruleAddTag', summary: 'Add a tag to a rule’s device filter' })
  @ApiOkResponse({ description: 'Tagged.' })
  async addTag(@CurrentMember() member: AuthenticatedMember, @Param() { id }: FirewallRuleParamsDto, @Body() { tag }: TagRequestDto): Promise<void> {
    await this.tags.addFilterTag(member.scope, { kind: 'firewall-rule', id }, tag);
  }

  @Put(':id/tags')
  @RequirePermission(Permission.FirewallEdit)
  @ApiOperation({ operationId: 'ruleUpdateTags', summary: 'Replace a rule’s device filter with tags' })
  @ApiOkResponse({ description: 'Replaced.' })
  async replaceTags(
    @CurrentMember() member: AuthenticatedMember,
    @Param() { id }: FirewallRuleParamsDto,
    @Body() { tags }: TagsRequestDto,
  ): Promise<void> {
    await this.tags.replaceFilterTags(member.scope, { kind: 'firewall-rule', id }, tags);
  }

  /** The contract's form: the tag in the body. */
  @Delete(':id/tags')
  @RequirePermission(Permission.FirewallEdit)
  @ApiOperation({ operationId: 'ruleDeleteTag', summary: 'Remove a tag from a rule’s device filter' })
  @ApiOkResponse({ description: 'Removed.' })
  async removeTagNamedInBody(
    @CurrentMember() member: AuthenticatedMember,
    @Param() { id }: FirewallRuleParamsDto,
    @Body() { tag }: TagRequestDto,
  ): Promise<void> {
    await this.tags.removeFilterTag(member.scope, { kind: 'firewall-rule', id }, tag);
  }

  @Delete(':id/tags/:tag')
  @RequirePermission(Permission.FirewallEdit)
  @ApiOperation({ operationId: 'ruleDeleteTag_1', summary: 'Remove a tag from a rule’s device filter (tag in the path)' })
  @ApiOkResponse({ description: 'Removed.' })
  async removeTag(@CurrentMember() member: AuthenticatedMember, @Param() { id, tag }: FirewallRuleTagParamsDto): Promise<void> {
    await this.tags.removeFilterTag(member.scope, { kind: 'firewall-rule', id }, tag);
  }
}
