import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Page } from '@fleetgate/data-access';
import {
  type AuthenticatedMember,
  Authenticated,
  CurrentMember,
  Permission,
  RequirePermission,
} from '@fleetgate/identity';
import { type PublicKeyView, PublicKeysService } from '@fleetgate/public-keys';
import { TagsService } from '@fleetgate/tags';
import { ListQueryDto } from '../common/list.query.dto';
import { Paginated } from '../common/paginated.decorator';
import { TagRequestDto, TagsRequestDto } from '../common/tag.dto';
import { PublicKeyCreateRequestDto } from './dtos/public-key-create.request.dto';
import { PublicKeyParamsDto, PublicKeyTagParamsDto } from './dtos/public-key.params.dto';
import { PublicKeyUpdateRequestDto } from './dtos/public-key-update.request.dto';
import { PublicKeyDto } from './dtos/public-key.response.dto';

@ApiTags('public keys')
@Authenticated()
@Controller('api/sshkeys/public-keys')
export class PublicKeysController {
  constructor(
    private readonly publicKeys: PublicKeysService,
    private readonly tags: TagsService,
  ) {}

  @Post()
  @HttpCode(HttpStatus.OK)
  @RequirePermission(Permission.PublicKeyCreate)
  @ApiOperation({
    operationId: 'createPublicKey',
    summary: 'Register a user’s SSH public key in the namespace',
  })
  @ApiOkResponse({ type: PublicKeyDto })
  @ApiBadRequestResponse({ description: 'Malformed key, filter or pattern.' })
  @ApiConflictResponse({ description: 'The key is already registered in this namespace.' })
  create(
    @CurrentMember() member: AuthenticatedMember,
    @Body() body: PublicKeyCreateRequestDto,
  ): Promise<PublicKeyView> {
    return this.publicKeys.create(member.scope, body, member.userId);
  }

  @Get()
  @ApiOperation({ operationId: 'getPublicKeys', summary: 'List the namespace’s public keys' })
  @Paginated(PublicKeyDto)
  list(
    @CurrentMember() member: AuthenticatedMember,
    @Query() query: ListQueryDto,
  ): Promise<Page<PublicKeyView>> {
    return this.publicKeys.list(member.scope, { page: query.page, perPage: query.per_page });
  }

  @Put(':fingerprint')
  @RequirePermission(Permission.PublicKeyEdit)
  @ApiOperation({ operationId: 'updatePublicKey', summary: 'Change a key’s name, username pattern and device filter' })
  @ApiOkResponse({ type: PublicKeyDto })
  @ApiNotFoundResponse({ description: 'No such key in this namespace.' })
  update(
    @CurrentMember() member: AuthenticatedMember,
    @Param() { fingerprint }: PublicKeyParamsDto,
    @Body() body: PublicKeyUpdateRequestDto,
  ): Promise<PublicKeyView> {
    return this.publicKeys.update(member.scope, fingerprint, body);
  }

  @Delete(':fingerprint')
  @RequirePermission(Permission.PublicKeyEdit)
  @ApiOperation({ operationId: 'deletePublicKey', summary: 'Delete a public key' })
  @ApiOkResponse({ description: 'Deleted.' })
  @ApiNotFoundResponse({ description: 'No such key in this namespace.' })
  async delete(@CurrentMember() member: AuthenticatedMember, @Param() { fingerprint }: PublicKeyParamsDto): Promise<void> {
    await this.publicKeys.delete(member.scope, fingerprint);
  }

  @Post(':fingerprint/tags')
  @HttpCode(HttpStatus.OK)
  @RequirePermission(Permission.PublicKeyEdit)
  @ApiOperation({ operationId: 'addTagPublicKey', summary: 'Add a tag to a key’s device filter' })
  @ApiOkResponse({ description: 'Tagged.' })
  async addTag(
    @CurrentMember() member: AuthenticatedMember,
    @Param() { fingerprint }: PublicKeyParamsDto,
    @Body() { tag }: TagRequestDto,
  ): Promise<void> {
    await this.tags.addFilterTag(member.scope, { kind: 'public-key', fingerprint }, tag);
  }

  @Put(':fingerprint/tags')
  @RequirePermission(Permission.PublicKeyEdit)
  @ApiOperation({ operationId: 'updateTagsPublicKey', summary: 'Replace a key’s device filter with tags' })
  @ApiOkResponse({ description: 'Replaced.' })
  async replaceTags(
    @CurrentMember() member: AuthenticatedMember,
    @Param() { fingerprint }: PublicKeyParamsDto,
    @Body() { tags }: TagsRequestDto,
  ): Promise<void> {
    await this.tags.replaceFilterTags(member.scope, { kind: 'public-key', fingerprint }, tags);
  }

  @Delete(':fingerprint/tags/:tag')
  @RequirePermission(Permission.PublicKeyEdit)
  @ApiOperation({ operationId: 'removeTagPublicKey', summary: 'Remove a tag from a key’s device filter' })
  @ApiOkResponse({ description: 'Removed.' })
  async removeTag(@CurrentMember() member: AuthenticatedMember, @Param() { fingerprint, tag }: PublicKeyTagParamsDto): Promise<void> {
    await this.tags.removeFilterTag(member.scope, { kind: 'public-key', fingerprint }, tag);
  }
}
