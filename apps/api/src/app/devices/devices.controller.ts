import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Put, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Page } from '@fleetgate/data-access';
import { type DeviceView, DevicesService } from '@fleetgate/devices';
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

@ApiTags('devices')
@Authenticated()
@Controller('api/devices')
export class DevicesController {
  constructor(private readonly devices: DevicesService) {}

  @Get()
  @ApiOperation({ operationId: 'getDevices', summary: 'List the namespace’s devices' })
  @Paginated(DeviceDto)
  list(
    @CurrentMember() member: AuthenticatedMember,
    @Query() query: DeviceListQueryDto,
  ): Promise<Page<DeviceView>> {
    return this.devices.list(member.scope, {
      page: query.page,
      perPage: query.per_page,
      status: query.status,
      sortBy: query.sort_by,
      orderBy: query.order_by,
      filter: query.filter,
    });
  }

  @Get(':uid')
  @ApiOperation({ operationId: 'getDevice', summary: 'Get a device' })
  @ApiOkResponse({ type: DeviceDto })
  @ApiNotFoundResponse({ description: 'No such device in this namespace.' })
  get(
    @CurrentMember() member: AuthenticatedMember,
    @Param() { uid }: DeviceUidParamsDto,
  ): Promise<DeviceView> {
    return this.devices.get(member.scope, uid);
  }

  @Patch(':uid/accept')
  @RequirePermission(Permission.DeviceAccept)
  @ApiOperation({ operationId: 'acceptDevice', summary: 'Accept a device' })
  @ApiOkResponse({ description: 'Accepted.' })
  @ApiBadRequestResponse({ description: 'The device is already accepted.' })
  @ApiNotFoundResponse({ description: 'No such device in this namespace.' })
  accept(@CurrentMember() member: AuthenticatedMember, @Param() { uid }: DeviceUidParamsDto): Promise<void> {
    return this.devices.changeStatus(member.scope, uid, 'accept');
  }

  @Patch(':uid/:status')
  @RequirePermission(Permission.DeviceAccept)
  @ApiOperation({ operationId: 'updateDeviceStatus', summary: 'Change a device’s status' })
  @ApiOkResponse({ description: 'Changed.' })
  @ApiBadRequestResponse({ description: 'The device is accepted, or the status cannot be set by hand.' })
  @ApiNotFoundResponse({ description: 'No such device in this namespace.' })
  changeStatus(
    @CurrentMember() member: AuthenticatedMember,
    @Param() { uid, status }: DeviceStatusParamsDto,
  ): Promise<void> {
    return this.devices.changeStatus(member.scope, uid, status);
  }

  @Put(':uid')
  @RequirePermission(Permission.DeviceUpdate)
  @ApiOperation({ operationId: 'updateDevice', summary: 'Rename a device or switch its public URL' })
  @ApiOkResponse({ description: 'Updated.' })
  @ApiNotFoundResponse({ description: 'No such device in this namespace.' })
  async update(
    @CurrentMember() member: AuthenticatedMember,
    @Param() { uid }: DeviceUidParamsDto,
    @Body() body: DeviceUpdateRequestDto,
  ): Promise<void> {
    await this.devices.update(member.scope, uid, body);
  }

  @Delete(':uid')
  @RequirePermission(Permission.DeviceRemove)
  @ApiOperation({ operationId: 'deleteDevice', summary: 'Delete a device' })
  @ApiOkResponse({ description: 'Deleted.' })
  @ApiNotFoundResponse({ description: 'No such device in this namespace.' })
  async delete(@CurrentMember() member: AuthenticatedMember, @Param() { uid }: DeviceUidParamsDto): Promise<void> {
    await this.devices.delete(member.scope, uid);
  }

  @Post(':uid/tags')
  @HttpCode(HttpStatus.OK)
  @RequirePermission(Permission.DeviceTag)
  @ApiOperation({ operationId: 'createDeviceTag', summary: 'Add a tag to a device (at most 3)' })
  @ApiOkResponse({ description: 'Tagged.' })
  async addTag(
    @CurrentMember() member: AuthenticatedMember,
    @Param() { uid }: DeviceUidParamsDto,
    @Body() { tag }: TagRequestDto,
  ): Promise<void> {
    await this.devices.addTag(member.scope, uid, tag);
  }

  @Put(':uid/tags')
  @RequirePermission(Permission.DeviceTag)
  @ApiOperation({ operationId: 'updateTagsDevice', summary: 'Replace a device’s tags' })
  @ApiOkResponse({ description: 'Replaced.' })
  async replaceTags(
    @CurrentMember() member: AuthenticatedMember,
    @Param() { uid }: DeviceUidParamsDto,
    @Body() { tags }: TagsRequestDto,
  ): Promise<void> {
    await this.devices.replaceTags(member.scope, uid, tags);
  }

  @Delete(':uid/tags/:tag')
  @RequirePermission(Permission.DeviceTag)
  @ApiOperation({ operationId: 'deleteDeviceTag', summary: 'Remove a tag from a device' })
  @ApiOkResponse({ description: 'Removed.' })
  async removeTag(
    @CurrentMember() member: AuthenticatedMember,
    @Param() { uid, tag }: DeviceTagParamsDto,
  ): Promise<void> {
    await this.devices.removeTag(member.scope, uid, tag);
  }
}
