import { Body, Controller, Delete, Get, Param, Put, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { type AuthenticatedMember, Authenticated, CurrentMember, Permission, RequirePermission } from '@fleetgate/identity';
import { TagsService } from '@fleetgate/tags';
import { TagParamsDto, TagRequestDto } from '../common/tag.dto';

@ApiTags('tags')
@Authenticated()
@Controller('api/tags')
export class TagsController {
  constructor(private readonly tags: TagsService) {}

  @Get()
  @ApiOperation({ operationId: 'getTags', summary: 'The namespace’s tags (devices, public keys and firewall rules)' })
  @ApiOkResponse({ type: [String] })
  async list(@CurrentMember() member: AuthenticatedMember, @Res({ passthrough: true }) response: Response): Promise<string[]> {
    const tags = await this.tags.list(member.scope);
    response.setHeader('X-Total-Count', String(tags.length));
    return tags;
  }

  @Put(':tag')
  @RequirePermission(Permission.TagEdit)
  @ApiOperation({ operationId: 'renameTag', summary: 'Rename a tag everywhere in the namespace' })
  @ApiOkResponse({ description: 'Renamed.' })
  @ApiNotFoundResponse({ description: 'No such tag in this namespace.' })
  async rename(
    @CurrentMember() member: AuthenticatedMember,
    @Param() { tag }: TagParamsDto,
    @Body() body: TagRequestDto,
  ): Promise<void> {
    await this.tags.rename(member.scope, tag, body.tag);
  }

  @Delete(':tag')
  @RequirePermission(Permission.TagEdit)
  @ApiOperation({ operationId: 'deleteTag', summary: 'Delete a tag everywhere in the namespace' })
  @ApiOkResponse({ description: 'Deleted.' })
  @ApiNotFoundResponse({ description: 'No such tag in this namespace.' })
  async delete(@CurrentMember() member: AuthenticatedMember, @Param() { tag }: TagParamsDto): Promise<void> {
    await this.tags.delete(member.scope, tag);
  }
}
