import { ApiProperty } from '@nestjs/swagger';
import type { DeviceAuthResponse } from '@fleetgate/devices';

export class DeviceAuthResponseDto implements DeviceAuthResponse {
  @ApiProperty({
    pattern: '^[0-9a-f]{64}$',
    example: '13b0c8ea878e61ff849db69461795006a9594c8f6a6390ce0000100b0c9d7d0a',
  })
  uid!: string;

  @ApiProperty({ description: 'Device token (RS256 JWT, no expiry)' })
  token!: string;

  @ApiProperty({ example: 'kitchen-pi' })
  name!: string;

  @ApiProperty({ example: 'examplespace', description: 'Namespace’s name' })
  namespace!: string;
}
