import { ApiProperty } from '@nestjs/swagger';
import type { PublicKeyFilter } from '@fleetgate/data-access';
import type { PublicKeyView } from '@fleetgate/public-keys';
import { DeviceFilterDto } from '../../common/device-filter.dto';

export class PublicKeyDto implements PublicKeyView {
  @ApiProperty({ description: 'Base64 of the normalised authorized_keys line' })
  data!: string;

  @ApiProperty({
    pattern: '^([0-9a-f]{2}:){15}[0-9a-f]{2}$',
    example: '48:6e:fc:94:01:01:74:57:eb:57:49:91:15:e4:9c:7a',
  })
  fingerprint!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  created_at!: Date;

  @ApiProperty({ format: 'uuid' })
  tenant_id!: string;

  @ApiProperty({ example: 'alice laptop' })
  name!: string;

  @ApiProperty({ type: DeviceFilterDto })
  filter!: PublicKeyFilter;

  @ApiProperty({ example: '.*' })
  username!: string;
}
