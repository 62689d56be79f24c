import { ApiProperty } from '@nestjs/swagger';
import { IsIn, Matches } from 'class-validator';
import { type DeviceStatusAction, deviceStatusActions } from '@fleetgate/devices';
import { TAG_PATTERN } from '../../common/tag.dto';

export class DeviceUidParamsDto {
  @ApiProperty({ pattern: '^[0-9a-f]{64}$', description: 'Device’s UID' })
  @Matches(/^[0-9a-f]{64}$/, { message: 'uid must be 64 lower-case hex digits' })
  uid!: string;
}

export class DeviceStatusParamsDto extends DeviceUidParamsDto {
  @ApiProperty({ enum: deviceStatusActions, example: 'accept' })
  @IsIn(deviceStatusActions)
  status!: DeviceStatusAction;
}

export class DeviceTagParamsDto extends DeviceUidParamsDto {
  @ApiProperty({ example: 'kitchen' })
  @Matches(TAG_PATTERN, { message: 'a tag must be 3 to 255 letters or digits' })
  tag!: string;
}
