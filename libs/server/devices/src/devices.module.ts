import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { DevicePresenceStore } from '@fleetgate/data-access';
import { REDIS_CONNECTION, REDIS_KEY_PREFIX, TerminalTicketRepository } from '@fleetgate/queue';
import { DeviceRegistrationService } from './device-registration.service';
import { DevicesService } from './devices.service';
import { DEVICES_OPTIONS, type DevicesOptions } from './devices.options';
import { RegistrationReplayRepository } from './registration-replay.repository';
import { TerminalTicketsService } from './terminal-tickets.service';

const providers: Provider[] = [
  DeviceRegistrationService,
  DevicesService,
  RegistrationReplayRepository,
  TerminalTicketRepository,
  TerminalTicketsService,
  {
    provide: DevicePresenceStore,
    inject: [REDIS_CONNECTION, REDIS_KEY_PREFIX],
    useFactory: (redis: ConstructorParameters<typeof DevicePresenceStore>[0], prefix: string) =>
      new DevicePresenceStore(redis, prefix),
  },
];

/**
 * Device registration and management. Needs `DataAccessModule`, `QueueModule` (Redis: presence and registration
 * replays, web terminal tickets) and `PlatformKeysModule` in the application.
 */
@Module({})
export class DevicesModule {
  static forRoot(options: DevicesOptions): DynamicModule {
    return {
      module: DevicesModule,
      providers: [
        // Only what the devices need to know of billing, so that the api's two imports are one module.
        { provide: DEVICES_OPTIONS, useValue: { billing: { enabled: options.billing.enabled } } },
        ...providers,
      ],
      exports: [DeviceRegistrationService, DevicesService, TerminalTicketsService],
    };
  }
}
