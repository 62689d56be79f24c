import { ApiProperty } from '@nestjs/swagger';
import type { MfaCredentials } from '@fleetgate/identity';

export class MfaCredentialsDto implements MfaCredentials {
  @ApiProperty({
    example:
      'otpauth://totp/Fleetgate:john_doe?secret=TWBIH44WRHW44B773HJSG3RNZXH4KWSD&period=30&digits=6&algorithm=SHA1&issuer=Fleetgate',
    description: 'otpauth:// URI for authenticator apps (usually shown as a QR code)',
  })
  link!: string;

  @ApiProperty({ example: 'TWBIH44WRHW44B773HJSG3RNZXH4KWSD', description: 'Base32 TOTP secret' })
  secret!: string;

  @ApiProperty({
    type: [String],
    example: ['6DIGYYGM3J', 'Q2W8ZK4N1P', 'H7TRX0CM5B', 'LD3V9QW2AE', 'P0N6SY8KFJ', 'U4GZ7MR1XC'],
    description: 'Six single-use recovery codes; shown only now, so the user must save them',
  })
  recovery_codes!: string[];
}
