import { type DynamicModule, Module } from '@nestjs/common';
import { CONNECTORS_OPTIONS, type ConnectorsOptions, ConnectorsService } from './connectors.service';

/** Connectors (remote Docker engines). Needs `DataAccessModule` and `PlatformKeysModule` in the application. */
@Module({})
export class ConnectorsModule {
  static forRoot(options: ConnectorsOptions): DynamicModule {
    return {
      module: ConnectorsModule,
      providers: [{ provide: CONNECTORS_OPTIONS, useValue: options }, ConnectorsService],
      exports: [ConnectorsService],
    };
  }
}
