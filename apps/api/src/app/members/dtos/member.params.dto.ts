import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { NamespaceTenantParamsDto } from '../../namespaces/dtos/namespace.params.dto';

const userIdPattern = /^[A-Za-z0-9-]{1,64}$/;

export class MemberParamsDto extends NamespaceTenantParamsDto {
  @ApiProperty({ description: 'Member’s (user’s) ID' })
  @Matches(userIdPattern, { message: 'uid must be a user ID' })
  uid!: string;
}

export class InvitationLookupParamsDto extends NamespaceTenantParamsDto {
  @ApiProperty({ description: 'The invited user’s ID' })
  @Matches(userIdPattern, { message: 'id must be a user ID' })
  id!: string;
}
