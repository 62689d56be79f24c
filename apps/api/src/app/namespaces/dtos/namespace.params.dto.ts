import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

export class NamespaceTenantParamsDto {
  @ApiProperty({
    format: 'uuid',
    example: '3dd0d1f8-8246-4519-b11a-a3dd33717f65',
    description: 'Namespace’s tenant ID',
  })
  @IsUUID('all', { message: 'tenant must be a UUID' })
  tenant!: string;
}
