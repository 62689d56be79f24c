import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import type { DeviceAuthRequest } from '@fleetgate/devices';
import { DeviceIdentityDto, DeviceInfoDto } from './device-info.dto';

export class DeviceAuthRequestDto implements DeviceAuthRequest {
  @ApiProperty({ type: DeviceInfoDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => DeviceInfoDto)
  info!: DeviceInfoDto;

  @ApiPropertyOptional({ type: DeviceIdentityDto, description: 'Required unless hostname is given.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => DeviceIdentityDto)
  identity?: DeviceIdentityDto | null;

  @ApiPropertyOptional({
    pattern: '^[a-zA-Z0-9_-]{1,64}$',
    description: 'Preferred device name; required unless identity is given.',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[a-zA-Z0-9_-]{1,64}$/, { message: 'hostname must be 1 to 64 letters, digits, "_" or "-"' })
  hostname?: string;

  @ApiProperty({ description: 'The device’s public key (PEM)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(16_384)
  public_key!: string;

  @ApiProperty({
    format: 'uuid',
    example: '3dd0d1f8-8246-4519-b11a-a3dd33717f65',
    description: 'Namespace’s tenant ID',
  })
  @IsUUID('all')
  tenant_id!: string;

  @ApiPropertyOptional({ type: [String], description: 'Uids of sessions the device keeps open' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1_000)
  @IsString({ each: true })
  sessions?: string[];
}
