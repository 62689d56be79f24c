import { ApiProperty } from '@nestjs/swagger';
import type { TerminalTicketView } from '@fleetgate/devices';

export class TerminalTicketDto implements TerminalTicketView {
  @ApiProperty({ description: 'Single-use ticket for the gateway’s web terminal WebSocket', example: 'kq3T0c2Vf1m0gk0u8m5x2n8Zp3q9s1t7u4v6w0y2a5c' })
  ticket!: string;

  @ApiProperty({ description: 'Seconds the ticket stays valid unless used', example: 30 })
  expires_in!: number;

  @ApiProperty({
    description: 'The gateway path to open as a WebSocket with `?ticket=`; the protocol is in docs/web-terminal.md',
    example: '/ws/terminal',
  })
  path!: string;
}
