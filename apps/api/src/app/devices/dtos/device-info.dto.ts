import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import type { DeviceInfo } from '@fleetgate/data-access';

/** What the agent reports about its system; the same shape in requests and responses. */
export class DeviceInfoDto implements DeviceInfo {
  @ApiProperty({ example: 'debian', description: 'Operating system id (os-release ID)' })
  @IsString()
  @MaxLength(255)
  id!: string;

  @ApiProperty({ example: 'Debian GNU/Linux 12 (bookworm)' })
  @IsString()
  @MaxLength(255)
  pretty_name!: string;

  @ApiProperty({ example: '0.1.0', description: 'Agent version' })
  @IsString()
  @MaxLength(255)
  version!: string;

  @ApiProperty({ example: 'x86_64' })
  @IsString()
  @MaxLength(255)
  arch!: string;

  @ApiProperty({ example: 'native' })
  @IsString()
  @MaxLength(255)
  platform!: string;
}

export class DeviceIdentityDto {
  @ApiProperty({
    example: '00:11:22:33:44:55',
    description: 'MAC address, or the preferred identity the agent was given',
  })
  @IsString()
  @MaxLength(64)
  mac!: string;
}
