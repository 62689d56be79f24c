import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

const TAG_PATTERN = /^[a-zA-Z0-9]{3,255}$/;

/** Which devices a public key or a firewall rule covers: a hostname pattern or up to three tags (exactly one). */
export class DeviceFilterDto {
  @ApiPropertyOptional({ example: '.*', description: 'Regular expression the device name must match' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  hostname?: string;

  @ApiPropertyOptional({
    type: [String],
    minItems: 1,
    maxItems: 3,
    example: ['kitchen'],
    description: 'The device must carry one of these tags',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @Matches(TAG_PATTERN, { each: true, message: 'each tag must be 3 to 255 letters or digits' })
  tags?: string[];
}

