import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import type { InvitationStatus } from '@fleetgate/namespaces';

export class AcceptInviteRequestDto {
  @ApiProperty({ description: 'The signature included in the invitation e-mail’s link' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(4096)
  sig!: string;
}

export class InvitationLookupQueryDto extends AcceptInviteRequestDto {}

export class InvitationStatusDto implements InvitationStatus {
  @ApiProperty({
    enum: ['invited', 'not-confirmed', 'confirmed'],
    example: 'invited',
    description: '`invited`: the person has no account yet and should sign up; otherwise log in and accept',
  })
  status!: InvitationStatus['status'];
}
