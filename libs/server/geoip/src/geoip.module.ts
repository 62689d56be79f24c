import { type DynamicModule, Logger, Module } from '@nestjs/common';
import { GeoLocator } from './geo-locator';

/** Provides the GeoLocator, opened once at start-up from the configured database path (or disabled without one). */
@Module({})
export class GeoIpModule {
  static forRoot(databasePath: string | undefined): DynamicModule {
    return {
      module: GeoIpModule,
      global: true,
      providers: [
        {
          provide: GeoLocator,
          useFactory: () => GeoLocator.open(databasePath, (message) => new Logger('GeoIp').warn(message)),
        },
      ],
      exports: [GeoLocator],
    };
  }
}
