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
  type Type,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Page } from '@fleetgate/data-access';
import { type DeviceKind, type DeviceReach, type DeviceView, DevicesService } from '@fleetgate/devices';
import {
  type AuthenticatedMember,
  Authenticated,
  CurrentMember,
  Permission,
  RequirePermission,
} from '@fleetgate/identity';
import { Paginated } from '../common/paginated.decorator';
import { TagRequestDto, TagsRequestDto } from '../common/tag.dto';
import { DeviceListQueryDto } from './dtos/device-list.query.dto';
import { DeviceUpdateRequestDto } from './dtos/device-update.request.dto';
import { DeviceStatusParamsDto, DeviceTagParamsDto, DeviceUidParamsDto } from './dtos/device.params.dto';
import { DeviceDto } from './dtos/device.response.dto';

interface DeviceRoutesOptions {
  path: string;
  kind: DeviceKind;
  reach: DeviceReach;
  /** The contract's operation ids: `get{Noun}s`, `update{Noun}Status`, `createDeviceTag`/`createContainerTag`… */
  noun: 'Device' | 'Container';
}

/**
 * The routes devices and containers share. ShellHub serves `/api/containers/*` by rewriting it to
 * `/api/devices/*`; here both are one set of handlers, mounted twice with the kind each lists.
 */
export function deviceRoutesController({ path, kind, reach, noun }: DeviceRoutesOptions): Type<object> {
  const lower = noun.toLowerCase();

  @ApiTags(`${lower}s`)
  @Authenticated()
  @Controller(path)
  class DeviceRoutesController {
    constructor(readonly devices: DevicesService) {}

    @Get()
    @ApiOperation({ operationId: `get${noun}s`, summary: `List the namespace’s ${lower}s` })
    @Paginated(DeviceDto)
    list(@CurrentMember() member: AuthenticatedMember, @Query() query: DeviceListQueryDto): Promise<Page<DeviceView>> {
      return this.devices.list(member.scope, {
        kind,
        page: query.page,
        perPage: query.per_page,
        status: query.status,
        sortBy: query.sort_by,
        orderBy: query.order_by,
        filter: query.filter,
      });
    }

    @Get(':uid')
    @ApiOperation({ operationId: `get${noun}`, summary: `Get a ${lower}` })
    @ApiOkResponse({ type: DeviceDto })
    @ApiNotFoundResponse({ description: `No such ${lower} in this namespace.` })
    get(@CurrentMember() member: AuthenticatedMember, @Param() { uid }: DeviceUidParamsDto): Promise<DeviceView> {
      return this.devices.get(member.scope, uid, reach);
    }

    @Patch(':uid/:status')
    @RequirePermission(Permission.DeviceAccept)
    @ApiOperation({ operationId: `update${noun}Status`, summary: `Change a ${lower}’s status` })
    @ApiOkResponse({ description: 'Changed.' })
    @ApiBadRequestResponse({ description: `The ${lower} is accepted, or the status cannot be set by hand.` })
    @ApiNotFoundResponse({ description: `No such ${lower} in this namespace.` })
    changeStatus(
      @CurrentMember() member: AuthenticatedMember,
      @Param() { uid, status }: DeviceStatusParamsDto,
    ): Promise<void> {
      return this.devices.changeStatus(member.scope, uid, status, reach);
    }

    @Put(':uid')
    @RequirePermission(Permission.DeviceUpdate)
    @ApiOperation({ operationId: `update${noun}`, summary: `Rename a ${lower} or switch its public URL` })
    @ApiOkResponse({ description: 'Updated.' })
    @ApiNotFoundResponse({ description: `No such ${lower} in this namespace.` })
    async update(
      @CurrentMember() member: AuthenticatedMember,
      @Param() { uid }: DeviceUidParamsDto,
      @Body() body: DeviceUpdateRequestDto,
    ): Promise<void> {
      await this.devices.update(member.scope, uid, body, reach);
    }

    @Delete(':uid')
    @RequirePermission(Permission.DeviceRemove)
    @ApiOperation({ operationId: `delete${noun}`, summary: `Delete a ${lower}` })
    @ApiOkResponse({ description: 'Deleted.' })
    @ApiNotFoundResponse({ description: `No such ${lower} in this namespace.` })
    async delete(@CurrentMember() member: AuthenticatedMember, @Param() { uid }: DeviceUidParamsDto): Promise<void> {
      await this.devices.delete(member.scope, uid, reach);
    }

    @Post(':uid/tags')
    @HttpCode(HttpStatus.OK)
    @RequirePermission(Permission.DeviceTag)
    @ApiOperation({ operationId: `create${noun}Tag`, summary: `Add a tag to a ${lower} (at most 3)` })
    @ApiOkResponse({ description: 'Tagged.' })
    async addTag(
      @CurrentMember() member: AuthenticatedMember,
      @Param() { uid }: DeviceUidParamsDto,
      @Body() { tag }: TagRequestDto,
    ): Promise<void> {
      await this.devices.addTag(member.scope, uid, tag, reach);
    }

    @Put(':uid/tags')
    @RequirePermission(Permission.DeviceTag)
    @ApiOperation({ operationId: `updateTags${noun}`, summary: `Replace a ${lower}’s tags` })
    @ApiOkResponse({ description: 'Replaced.' })
    async replaceTags(
      @CurrentMember() member: AuthenticatedMember,
      @Param() { uid }: DeviceUidParamsDto,
      @Body() { tags }: TagsRequestDto,
    ): Promise<void> {
      await this.devices.replaceTags(member.scope, uid, tags, reach);
    }

    @Delete(':uid/tags/:tag')
    @RequirePermission(Permission.DeviceTag)
    @ApiOperation({ operationId: `delete${noun}Tag`, summary: `Remove a tag from a ${lower}` })
    @ApiOkResponse({ description: 'Removed.' })
    async removeTag(
      @CurrentMember() member: AuthenticatedMember,
      @Param() { uid, tag }: DeviceTagParamsDto,
    ): Promise<void> {
      await this.devices.removeTag(member.scope, uid, tag, reach);
    }
  }
  return DeviceRoutesController;
}
