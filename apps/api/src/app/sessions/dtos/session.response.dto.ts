import { ApiProperty } from '@nestjs/swagger';
import { type SessionType, sessionTypes } from '@fleetgate/data-access';
import type { SessionView } from '@fleetgate/sessions';
import { DeviceDto } from '../../devices/dtos/device.response.dto';

class SessionPositionDto {
  @ApiProperty({ example: 52.52 })
  latitude!: number;

  @ApiProperty({ example: 13.405 })
  longitude!: number;
}

/** ShellHub's `Session`. */
export class SessionDto implements SessionView {
  @ApiProperty({ pattern: '^[0-9a-f]{64}$' })
  uid!: string;

  @ApiProperty({ pattern: '^[0-9a-f]{64}$' })
  device_uid!: string;

  @ApiProperty({ type: DeviceDto, nullable: true, description: 'The session’s device; null once it was deleted.' })
  device!: DeviceDto | null;

  @ApiProperty({ format: 'uuid' })
  tenant_id!: string;

  @ApiProperty({ description: 'The user on the device', example: 'root' })
  username!: string;

  @ApiProperty({ example: '203.0.113.7' })
  ip_address!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  started_at!: Date;

  @ApiProperty({ type: String, format: 'date-time' })
  last_seen!: Date;

  @ApiProperty({ description: 'Live now: not closed, and kept alive by its gateway within SESSION_EXPIRY_SECONDS.' })
  active!: boolean;

  @ApiProperty({ description: 'The device accepted the login; false for failed attempts.' })
  authenticated!: boolean;

  @ApiProperty()
  recorded!: boolean;

  @ApiProperty({ enum: sessionTypes, example: 'shell' })
  type!: SessionType;

  @ApiProperty({ example: 'xterm-256color' })
  term!: string;

  @ApiProperty({ type: SessionPositionDto })
  position!: SessionPositionDto;
}
