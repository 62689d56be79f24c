import { type DynamicModule, Module } from '@nestjs/common';
import { DevicesModule, type DevicesOptions } from '@fleetgate/devices';
import { DeviceAuthController } from './device-auth.controller';
import { ContainersController, DevicesController } from './devices.controller';
import { StatsController } from './stats.controller';
import { TerminalController } from './terminal.controller';

@Module({})
export class DevicesApiModule {
  static forRoot(options: DevicesOptions): DynamicModule {
    return {
      module: DevicesApiModule,
      imports: [DevicesModule.forRoot(options)],
      controllers: [DeviceAuthController, DevicesController, ContainersController, StatsController, TerminalController],
    };
  }
}
