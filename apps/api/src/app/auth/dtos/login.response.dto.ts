import { ApiProperty } from '@nestjs/swagger';
import { type MemberRole, memberRoles } from '@fleetgate/data-access';
import type { LoginResponse } from '@fleetgate/identity';

export class LoginResponseDto implements LoginResponse {
  @ApiProperty({ description: 'User token (RS256 JWT, valid for 72 hours)' })
  token!: string;

  @ApiProperty({ example: 'example', description: 'Username' })
  user!: string;

  @ApiProperty({ example: 'example' })
  name!: string;

  @ApiProperty({ example: 'b3a5c7e2-1111-4222-8333-444455556666' })
  id!: string;

  @ApiProperty({ example: 'example@example.com' })
  email!: string;

  @ApiProperty({ example: '' })
  recovery_email!: string;

  @ApiProperty({
    example: '3dd0d1f8-8246-4519-b11a-a3dd33717f65',
    description: 'Tenant the token is for; empty without a namespace',
  })
  tenant!: string;

  @ApiProperty({
    enum: [...memberRoles, ''],
    description: 'Role in that namespace; empty without a namespace',
  })
  role!: MemberRole | '';

  @ApiProperty({ example: false })
  mfa!: boolean;

  @ApiProperty({ example: -1, description: 'How many namespaces the user may own; -1 for no limit' })
  max_namespaces!: number;
}
