import { ApiProperty } from '@nestjs/swagger';
import type { FirewallRuleView } from '@fleetgate/firewall';
import { DeviceFilterDto } from '../../common/device-filter.dto';

export class FirewallRuleDto implements FirewallRuleView {
  @ApiProperty({ example: '507f1f77bcf86cd799439011' })
  id!: string;

  @ApiProperty({ example: '3dd0d1f8-8246-4519-b11a-a3dd33717f65' })
  tenant_id!: string;

  @ApiProperty({ enum: ['allow', 'deny'] })
  action!: 'allow' | 'deny';

  @ApiProperty()
  active!: boolean;

  @ApiProperty()
  priority!: number;

  @ApiProperty({ example: '.*' })
  source_ip!: string;

  @ApiProperty({ example: '.*' })
  username!: string;

  @ApiProperty({ type: DeviceFilterDto })
  filter!: DeviceFilterDto;
}
