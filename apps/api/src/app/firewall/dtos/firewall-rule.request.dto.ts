import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsDefined, IsIn, IsInt, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import type { FirewallRuleRequest } from '@fleetgate/firewall';
import { DeviceFilterDto } from '../../common/device-filter.dto';

export class FirewallRuleRequestDto implements FirewallRuleRequest {
  @ApiProperty({ enum: ['allow', 'deny'], example: 'deny' })
  @IsIn(['allow', 'deny'])
  action!: 'allow' | 'deny';

  @ApiProperty({ example: true })
  @IsBoolean()
  active!: boolean;

  @ApiProperty({ minimum: 0, example: 1, description: 'Lower is evaluated first; the first matching rule decides' })
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  priority!: number;

  @ApiProperty({ example: '.*', description: 'RE2 pattern on the client address (unanchored)' })
  @IsString()
  @MaxLength(256)
  source_ip!: string;

  @ApiProperty({ example: '.*', description: 'RE2 pattern on the device login name (unanchored)' })
  @IsString()
  @MaxLength(256)
  username!: string;

  @ApiProperty({ type: DeviceFilterDto, description: 'Exactly one of hostname or tags' })
  @IsDefined()
  @ValidateNested()
  @Type(() => DeviceFilterDto)
  filter!: DeviceFilterDto;
}
