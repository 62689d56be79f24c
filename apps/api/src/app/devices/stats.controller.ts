import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type DeviceStats, DevicesService } from '@fleetgate/devices';
import { type AuthenticatedMember, Authenticated, CurrentMember } from '@fleetgate/identity';
import { SessionsService } from '@fleetgate/sessions';

@ApiTags('devices')
@Authenticated()
@Controller('api/stats')
export class StatsController {
  constructor(
    private readonly devices: DevicesService,
    private readonly sessions: SessionsService,
  ) {}

  @Get()
  @ApiOperation({ operationId: 'getStatusDevices', summary: 'Device counts of the namespace' })
  @ApiOkResponse({
    schema: {
      type: 'object',
      required: ['registered_devices', 'online_devices', 'pending_devices', 'rejected_devices', 'active_sessions'],
      properties: {
        registered_devices: { type: 'integer', description: 'Accepted devices' },
        online_devices: { type: 'integer', description: 'Accepted devices with a tunnel up now' },
        pending_devices: { type: 'integer' },
        rejected_devices: { type: 'integer' },
        active_sessions: { type: 'integer' },
      },
      example: { registered_devices: 3, online_devices: 1, pending_devices: 2, rejected_devices: 0, active_sessions: 0 },
    },
  })
  async stats(@CurrentMember() member: AuthenticatedMember): Promise<DeviceStats> {
    const [devices, activeSessions] = await Promise.all([
      this.devices.stats(member.scope),
      this.sessions.activeCount(member.scope),
    ]);
    return { ...devices, active_sessions: activeSessions };
  }
}
