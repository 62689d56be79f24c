import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import {
  API_KEY_NAME_PATTERN,
  type ApiKeyCreateRequest,
  type ApiKeyLifetime,
  apiKeyLifetimes,
} from '@fleetgate/api-keys';
import { type MemberRole, memberRoles } from '@fleetgate/data-access';

export class ApiKeyCreateRequestDto implements ApiKeyCreateRequest {
  @ApiProperty({
    minLength: 3,
    maxLength: 20,
    example: 'dev',
    description:
      'The key’s name, unique in the namespace: how it is listed, changed and deleted (no whitespace)',
  })
  @IsString()
  @Matches(API_KEY_NAME_PATTERN, { message: 'name must be 3 to 20 characters without whitespace' })
  name!: string;

  @ApiProperty({
    enum: apiKeyLifetimes,
    example: 30,
    description: 'Days until the key expires; -1 for never, 365 for one calendar year',
  })
  @IsInt()
  @IsIn(apiKeyLifetimes)
  expires_at!: ApiKeyLifetime;

  @ApiPropertyOptional({
    enum: memberRoles,
    example: 'observer',
    description:
      'At most the creator’s role and never owner; defaults to the creator’s role (administrator for an owner)',
  })
  @IsOptional()
  @IsIn(memberRoles)
  role?: MemberRole;

  @ApiPropertyOptional({
    format: 'uuid',
    example: 'c629572a-b643-4301-90fe-4572b00d007e',
    description:
      'The secret key itself, when the client chooses it: it must be a random UUID v4 (best left out, and the ' +
      'server generates one). Never returned again',
  })
  @IsOptional()
  @IsUUID('4', { message: 'key must be a random UUID v4' })
  key?: string;
}
