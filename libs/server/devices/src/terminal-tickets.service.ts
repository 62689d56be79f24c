import { Injectable } from '@nestjs/common';
import { WEB_TERMINAL_PATH, WEB_TERMINAL_TICKET_SECONDS } from '@fleetgate/contracts';
import { DevicesRepository, type TenantScope } from '@fleetgate/data-access';
import { AppException } from '@fleetgate/errors';
import { TerminalTicketRepository } from '@fleetgate/queue';

export interface TerminalTicketView {
  ticket: string;
  /** Seconds the ticket stays valid, unused. */
  expires_in: number;
  /** Where the gateway serves the web terminal: open `<path>?ticket=<ticket>` as a WebSocket. */
  path: string;
}

/**
 * Web terminal tickets (docs/web-terminal.md): the member guard and the role matrix (`device:connect`) have let the
 * person through; the device must be one of the namespace's, else the answer is the same 404 as for any device
 * route. The gateway redeems the ticket once and applies the same rules as to `ssh` from there.
 */
@Injectable()
export class TerminalTicketsService {
  constructor(
    private readonly devices: DevicesRepository,
    private readonly tickets: TerminalTicketRepository,
  ) {}

  async issue(scope: TenantScope, uid: string, userId: string, clientAddress: string): Promise<TerminalTicketView> {
    const device = await this.devices.findOne(scope, { uid });
    if (!device) throw AppException.notFound('device');
    const ticket = await this.tickets.issue(
      { tenantId: scope.tenantId, deviceUid: device.uid, userId, clientAddress },
      WEB_TERMINAL_TICKET_SECONDS,
    );
    return { ticket, expires_in: WEB_TERMINAL_TICKET_SECONDS, path: WEB_TERMINAL_PATH };
  }
}
