import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBase64, IsDefined, IsNotEmpty, IsString, MaxLength, ValidateNested } from 'class-validator';
import type { PublicKeyCreateRequest } from '@fleetgate/public-keys';
import { DeviceFilterDto } from '../../common/device-filter.dto';

export class PublicKeyCreateRequestDto implements PublicKeyCreateRequest {
  @ApiProperty({ description: 'Base64 of an OpenSSH public key line, as in id_ed25519.pub' })
  @IsString()
  @IsBase64()
  @MaxLength(16_384)
  data!: string;

  @ApiProperty({ type: DeviceFilterDto, description: 'Exactly one of hostname or tags' })
  @IsDefined()
  @ValidateNested()
  @Type(() => DeviceFilterDto)
  filter!: DeviceFilterDto;

  @ApiProperty({ example: 'alice laptop' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name!: string;

  @ApiProperty({
    example: '.*',
    description: 'Regular expression the device login name must match; empty allows any',
  })
  @IsString()
  @MaxLength(255)
  username!: string;
}
