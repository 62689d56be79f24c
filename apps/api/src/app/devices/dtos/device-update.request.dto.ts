import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, Matches } from 'class-validator';
import { IsOptionalNotNull } from '@fleetgate/errors';

export class DeviceUpdateRequestDto {
  @ApiPropertyOptional({ example: 'kitchen-pi', description: 'New device name: 1 to 64 letters, digits, "-" or "_"' })
  @IsOptionalNotNull()
  @Matches(/^[a-zA-Z0-9_-]{1,64}$/, { message: 'name must be 1 to 64 letters, digits, "-" or "_"' })
  name?: string;

  @ApiPropertyOptional({ description: 'Whether the device’s HTTP port is reachable through its public URL' })
  @IsOptionalNotNull()
  @IsBoolean()
  public_url?: boolean;
}
