import { type DynamicModule, Module } from '@nestjs/common';
import { ConnectorsModule, type ConnectorsOptions } from '@fleetgate/connectors';
import { ConnectorsController } from './connectors.controller';

@Module({})
export class ConnectorsApiModule {
  static forRoot(options: ConnectorsOptions): DynamicModule {
    return {
      module: ConnectorsApiModule,
      imports: [ConnectorsModule.forRoot(options)],
      controllers: [ConnectorsController],
    };
  }
}
