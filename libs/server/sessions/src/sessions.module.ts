import { type DynamicModule, Module } from '@nestjs/common';
import { DevicePresenceStore } from '@fleetgate/data-access';
import { REDIS_CONNECTION, REDIS_KEY_PREFIX } from '@fleetgate/queue';
import { GatewayCallsService } from './gateway-calls.service';
import { SESSIONS_OPTIONS, type SessionsOptions, SessionsService } from './sessions.service';

/**
 * Session records and the contract's internal routes. Needs `DataAccessModule`, `QueueModule` (Redis: presence and
 * the close channel) and `GeoIpModule` in the application.
 */
@Module({})
export class SessionsModule {
  static forRoot(options: SessionsOptions): DynamicModule {
    return {
      module: SessionsModule,
      // Global: `GET /api/stats`, served with the devices, counts active sessions through it.
      global: true,
      providers: [
        { provide: SESSIONS_OPTIONS, useValue: options },
        SessionsService,
        GatewayCallsService,
        {
          provide: DevicePresenceStore,
          inject: [REDIS_CONNECTION, REDIS_KEY_PREFIX],
          useFactory: (redis: ConstructorParameters<typeof DevicePresenceStore>[0], prefix: string) =>
            new DevicePresenceStore(redis, prefix),
        },
      ],
      exports: [SessionsService, GatewayCallsService],
    };
  }
}
