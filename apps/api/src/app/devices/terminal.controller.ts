import { Controller, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { TerminalTicketsService } from '@fleetgate/devices';
import { type AuthenticatedMember, Authenticated, CurrentMember, Permission, RequirePermission } from '@fleetgate/identity';
import { ClientAddress } from '../common/client-address.decorator';
import { DeviceUidParamsDto } from './dtos/device.params.dto';
import { TerminalTicketDto } from './dtos/terminal-ticket.response.dto';

@ApiTags('devices')
@Authenticated()
@Controller('api/devices')
export class TerminalController {
  constructor(private readonly tickets: TerminalTicketsService) {}

  @Post(':uid/terminal')
  @HttpCode(HttpStatus.OK)
  @RequirePermission(Permission.DeviceConnect)
  @ApiOperation({
    operationId: 'createTerminalTicket',
    summary: 'Get a ticket for the web terminal of a device',
    description:
      'A single-use ticket, valid for `expires_in` seconds, to open `path?ticket=<ticket>` on the gateway as a ' +
      'WebSocket (a browser cannot send an Authorization header there). The person then logs into the device with ' +
      'its username and a password or a key whose private half stays in the browser; the protocol is described in ' +
      'docs/web-terminal.md. API keys may not get tickets.',
  })
  @ApiOkResponse({ type: TerminalTicketDto })
  @ApiNotFoundResponse({ description: 'No such device in this namespace.' })
  create(
    @CurrentMember() member: AuthenticatedMember,
    @Param() { uid }: DeviceUidParamsDto,
    @ClientAddress() clientAddress: string,
  ): Promise<TerminalTicketDto> {
    return this.tickets.issue(member.scope, uid, member.userId, clientAddress);
  }
}
