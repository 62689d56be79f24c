import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';
import type { GatewayAuthenticationPolicy } from '@fleetgate/gateway';

export class AuthenticationPolicyDto implements GatewayAuthenticationPolicy {
  @ApiProperty({ example: true, description: 'Public keys registered in the namespace' })
  @IsBoolean()
  public_key!: boolean;

  @ApiProperty({ example: true, description: 'The device user’s password, checked by the device' })
  @IsBoolean()
  password!: boolean;

  @ApiProperty({ example: false, description: 'The device password asked through a keyboard-interactive prompt' })
  @IsBoolean()
  keyboard_interactive!: boolean;

  @ApiProperty({
    example: false,
    description:
      'Every login answers a TOTP prompt of the member who registered the public key; passwords are then refused',
  })
  @IsBoolean()
  require_mfa!: boolean;
}
