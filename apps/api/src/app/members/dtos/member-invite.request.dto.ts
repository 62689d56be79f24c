import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsIn, MaxLength } from 'class-validator';
import { type MemberRole, memberRoles } from '@fleetgate/data-access';
import type { MemberInvitation } from '@fleetgate/namespaces';

export class MemberInviteRequestDto implements MemberInvitation {
  @ApiProperty({ example: 'john.doe@test.com', description: 'The email of the member.' })
  @IsEmail({}, { message: 'email must be an e-mail address' })
  @MaxLength(254)
  email!: string;

  @ApiProperty({
    enum: memberRoles,
    example: 'administrator',
    description: 'At most the inviter’s role; never owner',
  })
  @IsIn(memberRoles)
  role!: MemberRole;
}

export class MemberUpdateRequestDto {
  @ApiProperty({
    enum: memberRoles,
    example: 'operator',
    description: 'At most the caller’s role; never owner',
  })
  @IsIn(memberRoles)
  role!: MemberRole;
}
