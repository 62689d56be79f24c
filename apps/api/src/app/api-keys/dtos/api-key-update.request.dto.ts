import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { API_KEY_NAME_PATTERN, type ApiKeyUpdateRequest } from '@fleetgate/api-keys';
import { type MemberRole, memberRoles } from '@fleetgate/data-access';

export class ApiKeyUpdateRequestDto implements ApiKeyUpdateRequest {
  @ApiPropertyOptional({
    minLength: 3,
    maxLength: 20,
    example: 'ci',
    description: 'A new name, unique in the namespace',
  })
  @IsOptional()
  @IsString()
  @Matches(API_KEY_NAME_PATTERN, { message: 'name must be 3 to 20 characters without whitespace' })
  name?: string;

  @ApiPropertyOptional({
    enum: memberRoles,
    example: 'observer',
    description: 'At most the caller’s role; never owner',
  })
  @IsOptional()
  @IsIn(memberRoles)
  role?: MemberRole;
}
