import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

export const SESSION_UID_PATTERN = /^[0-9a-f]{64}$/;

export class SessionUidParamsDto {
  @ApiProperty({ pattern: '^[0-9a-f]{64}$', description: 'Session’s UID' })
  @Matches(SESSION_UID_PATTERN, { message: 'uid must be 64 lower-case hex digits' })
  uid!: string;
}
