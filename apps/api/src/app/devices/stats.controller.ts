import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type DeviceStats, DevicesService } from '@fleetgate/devices';
import { type AuthenticatedMember, Authenticated, CurrentMember } from '@fleetgate/identity';

@ApiTags('devices')
@Authenticated()
@Controller('api/stats')
export class StatsController {
  constructor(private readonly devices: DevicesService) {}

  @Get()
  @ApiOperation({ operationId: 'getStatusDevices', summary: 'Device counts of the namespace' })
  @ApiOkResponse({
    schema: {
      example: { registered_devices: 3, online_devices: 1, pending_devices: 2, rejected_devices: 0, active_sessions: 0 },
    },
  })
  stats(@CurrentMember() member: AuthenticatedMember): Promise<DeviceStats> {
    return this.devices.stats(member.scope);
  }
}
