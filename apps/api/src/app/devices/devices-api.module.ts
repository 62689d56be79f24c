import { Module } from '@nestjs/common';
import { DevicesModule } from '@fleetgate/devices';
import { DeviceAuthController } from './device-auth.controller';
import { ContainersController, DevicesController } from './devices.controller';
import { StatsController } from './stats.controller';
import { TerminalController } from './terminal.controller';

@Module({
  imports: [DevicesModule],
  controllers: [DeviceAuthController, DevicesController, ContainersController, StatsController, TerminalController],
})
export class DevicesApiModule {}
