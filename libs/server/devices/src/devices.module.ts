import { Module } from '@nestjs/common';
import { DeviceRegistrationService } from './device-registration.service';
import { DevicesService } from './devices.service';
import { RegistrationReplayRepository } from './registration-replay.repository';

/** Device registration and management. Needs `DataAccessModule`, `PlatformKeysModule` and `QueueModule` (Redis) in the application. */
@Module({
  providers: [DeviceRegistrationService, DevicesService, RegistrationReplayRepository],
  exports: [DeviceRegistrationService, DevicesService],
})
export class DevicesModule {}
