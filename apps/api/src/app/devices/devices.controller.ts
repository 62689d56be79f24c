import { HttpCode, HttpStatus, Param, Patch, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { DevicesService, DeviceView } from '@fleetgate/devices';
import { type AuthenticatedMember, CurrentMember, Permission, RequirePermission } from '@fleetgate/identity';
import { deviceRoutesController } from './device-routes.controller';
import { DeviceUidParamsDto } from './dtos/device.params.dto';
import { DeviceDto } from './dtos/device.response.dto';

export class DevicesController extends deviceRoutesController({
  path: 'api/devices',
  kind: 'device',
  reach: 'any',
  noun: 'Device',
}) {
  declare readonly devices: DevicesService;

  /** The contract's own operation for accepting; `PATCH {uid}/{status}` with `accept` does the same. */
  @Patch(':uid/accept')
  @RequirePermission(Permission.DeviceAccept)
  @ApiOperation({ operationId: 'acceptDevice', summary: 'Accept a device' })
  @ApiOkResponse({ description: 'Accepted.' })
  @ApiBadRequestResponse({ description: 'The device is already accepted.' })
  @ApiNotFoundResponse({ description: 'No such device in this namespace.' })
  accept(@CurrentMember() member: AuthenticatedMember, @Param() { uid }: DeviceUidParamsDto): Promise<void> {
    return this.devices.changeStatus(member.scope, uid, 'accept');
  }

  @Post(':uid/host-key/accept')
  @HttpCode(HttpStatus.OK)
  @RequirePermission(Permission.DeviceHostKeyAccept)
  @ApiOperation({
    operationId: 'acceptDeviceHostKey',
    summary: 'Accept the changed host key a device presented, so the gateway pins it and lets people log in again',
  })
  @ApiOkResponse({ type: DeviceDto })
  @ApiBadRequestResponse({ description: 'The device has no changed host key to accept.' })
  @ApiNotFoundResponse({ description: 'No such device in this namespace.' })
  acceptHostKey(@CurrentMember() member: AuthenticatedMember, @Param() { uid }: DeviceUidParamsDto): Promise<DeviceView> {
    return this.devices.acceptHostKey(member.scope, uid);
  }
}

export class ContainersController extends deviceRoutesController({
  path: 'api/containers',
  kind: 'container',
  reach: 'container',
  noun: 'Container',
}) {}
