import { ApiProperty } from '@nestjs/swagger';
import { type DeviceStatus, deviceStatuses } from '@fleetgate/data-access';
import type { DeviceView } from '@fleetgate/devices';
import { DeviceIdentityDto, DeviceInfoDto } from './device-info.dto';

class DevicePositionDto {
  @ApiProperty({ example: 52.52 })
  latitude!: number;

  @ApiProperty({ example: 13.405 })
  longitude!: number;
}

export class DeviceDto implements DeviceView {
  @ApiProperty({ pattern: '^[0-9a-f]{64}$' })
  uid!: string;

  @ApiProperty({ example: 'kitchen-pi' })
  name!: string;

  @ApiProperty({ type: DeviceIdentityDto })
  identity!: DeviceIdentityDto;

  @ApiProperty({ type: DeviceInfoDto })
  info!: DeviceInfoDto;

  @ApiProperty()
  public_key!: string;

  @ApiProperty({ format: 'uuid' })
  tenant_id!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  last_seen!: Date;

  @ApiProperty({ description: 'Connected to the gateway and heard from within the last two minutes' })
  online!: boolean;

  @ApiProperty({ example: 'examplespace', description: 'Namespace’s name' })
  namespace!: string;

  @ApiProperty({ enum: deviceStatuses })
  status!: DeviceStatus;

  @ApiProperty({ type: String, format: 'date-time' })
  status_updated_at!: Date;

  @ApiProperty({ type: String, format: 'date-time' })
  created_at!: Date;

  @ApiProperty({ example: '203.0.113.7' })
  remote_addr!: string;

  @ApiProperty({ type: DevicePositionDto, nullable: true })
  position!: DevicePositionDto | null;

  @ApiProperty({ type: [String] })
  tags!: string[];

  @ApiProperty()
  public_url!: boolean;

  @ApiProperty({ description: 'Whether the namespace’s device limit would let the device be accepted' })
  acceptable!: boolean;

  @ApiProperty({
    description:
      'The device presented another SSH host key than the one pinned for it ("host key changed"): the gateway refuses ' +
      'logins until an administrator accepts the change (POST /api/devices/{uid}/host-key/accept).',
  })
  host_key_changed!: boolean;

  @ApiProperty({ type: String, nullable: true, example: 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU' })
  presented_host_key_fingerprint!: string | null;
}
