import { ApiProperty } from '@nestjs/swagger';
import type { ApiKeyCreated, ApiKeyView } from '@fleetgate/api-keys';
import { type MemberRole, memberRoles } from '@fleetgate/data-access';

export class ApiKeyDto implements ApiKeyView {
  @ApiProperty({ format: 'uuid' })
  tenant_id!: string;

  @ApiProperty({
    example: '507f1f77bcf86cd799439011',
    description: 'The user who created the key and for whom it acts',
  })
  created_by!: string;

  @ApiProperty({ enum: memberRoles, example: 'observer' })
  role!: MemberRole;

  @ApiProperty({ example: 'dev' })
  name!: string;

  @ApiProperty({ example: 1707958989, description: 'Expiry in unix seconds; -1 for never' })
  expires_in!: number;

  @ApiProperty({ type: String, format: 'date-time' })
  created_at!: Date;

  @ApiProperty({ type: String, format: 'date-time' })
  updated_at!: Date;
}

export class ApiKeyCreatedDto extends ApiKeyDto implements ApiKeyCreated {
  @ApiProperty({
    format: 'uuid',
    example: 'c629572a-b643-4301-90fe-4572b00d007e',
    description: 'The secret key, for the X-API-KEY header: shown in this response only',
  })
  id!: string;
}
