import { ApiProperty } from '@nestjs/swagger';
import { Length, Matches } from 'class-validator';

export class PublicKeyEvaluateParamsDto {
  @ApiProperty({ example: 'b7:25:f8:9b:b9:b7:7a:02:8e:6b:24:ae:1b:92:58:9c', description: 'Legacy MD5 fingerprint' })
  @Matches(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/, { message: 'fingerprint must be 16 colon-separated hex bytes' })
  fingerprint!: string;

  @ApiProperty({ example: 'root', description: 'The user on the device' })
  @Length(1, 64)
  username!: string;
}

/** ShellHub's gateway sent the device as the request body; a GET carries it as a query parameter. */
export class PublicKeyEvaluateQueryDto {
  @ApiProperty({ pattern: '^[0-9a-f]{64}$', description: 'The device the login is for' })
  @Matches(/^[0-9a-f]{64}$/, { message: 'device must be the device’s uid, 64 lower-case hex digits' })
  device!: string;
}
