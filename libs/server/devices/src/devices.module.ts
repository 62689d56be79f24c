import { Module } from '@nestjs/common';
import { DevicePresenceStore } from '@fleetgate/data-access';
import { REDIS_CONNECTION, REDIS_KEY_PREFIX, TerminalTicketRepository } from '@fleetgate/queue';
import { DeviceRegistrationService } from './device-registration.service';
import { DevicesService } from './devices.service';
import { RegistrationReplayRepository } from './registration-replay.repository';
import { TerminalTicketsService } from './terminal-tickets.service';

/**
 * Device registration and management. Needs `DataAccessModule`, `QueueModule` (Redis: presence and registration
 * replays, web terminal tickets) and `PlatformKeysModule` in the application.
 */
@Module({
  providers: [
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
  ],
  exports: [DeviceRegistrationService, DevicesService, TerminalTicketsService],
})
export class DevicesModule {}
