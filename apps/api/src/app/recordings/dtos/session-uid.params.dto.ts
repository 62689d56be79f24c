import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

export class SessionUidParamsDto {
  @ApiProperty({ example: '13b0c8ea878e61ff849db69461795006a9594c8f6a6390ce0000100b0c9d7d0a' })
  @Matches(/^[0-9a-f]{64}$/, { message: 'uid must be 64 lower-case hex digits' })
  uid!: string;
}
