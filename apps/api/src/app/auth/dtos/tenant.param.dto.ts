import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

export class TenantParamDto {
  @ApiProperty({ format: 'uuid', description: 'Tenant ID of a namespace the caller is an accepted member of.' })
  @IsUUID()
  tenant!: string;
}
