import { Module } from '@nestjs/common';
import { DeviceRegistrationService } from './device-registration.service';
import { DevicesService } from './devices.service';

/** Device registration and management. Needs `DataAccessModule` and `PlatformKeysModule` in the application. */
@Module({
  providers: [DeviceRegistrationService, DevicesService],
  exports: [DeviceRegistrationService, DevicesService],
})
export class DevicesModule {}
