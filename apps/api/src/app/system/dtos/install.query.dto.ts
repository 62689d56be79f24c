import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

export class InstallQueryDto {
  // Only characters that are safe inside the shell script the value is written into.
  @ApiPropertyOptional({ description: 'Tenant id (namespace) the device joins; without it, the device must set TENANT_ID' })
  @IsOptional()
  @Matches(/^[0-9A-Za-z-]{1,64}$/, { message: 'tenant_id must be a tenant id (letters, digits and dashes)' })
  tenant_id?: string;
}
