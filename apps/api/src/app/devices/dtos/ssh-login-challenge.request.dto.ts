import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';

export class SshLoginChallengeRequestDto {
  @ApiProperty({
    pattern: '^([0-9a-f]{2}:){15}[0-9a-f]{2}$',
    example: '48:6e:fc:94:01:01:74:57:eb:57:49:91:15:e4:9c:7a',
  })
  @Matches(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/, { message: 'fingerprint must be an MD5 fingerprint, aa:bb:…' })
  fingerprint!: string;

  @ApiProperty({ description: 'The challenge to sign' })
  @IsString()
  @MaxLength(4096)
  data!: string;
}

export class SshLoginChallengeResponseDto {
  @ApiProperty({ description: 'Base64 RSA PKCS#1 v1.5 SHA-256 signature of data' })
  signature!: string;
}
