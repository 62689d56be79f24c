import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { WEB_TERMINAL_MAX_FRAME_BYTES, WEB_TERMINAL_PATH } from '@fleetgate/contracts';
import type { Logger } from '@fleetgate/logging';
import type { TerminalTicket } from '@fleetgate/queue';
import { type WebTerminalDependencies, WebTerminalSession, type WebTerminalTimings } from './web-terminal-session';

/** Redeems a ticket the API issued (`TerminalTicketRepository`), once. */
export interface TerminalTicketRedeemer {
  redeem(ticket: string): Promise<TerminalTicket | null>;
}

export const DEFAULT_WEB_TERMINAL_TIMINGS: WebTerminalTimings = {
  startMs: 30_000,
  signatureMs: 60_000,
  loginMs: 30_000,
  pingMs: 30_000,
};

/**
 * The browsers' side of the gateway (docs/web-terminal.md): `GET /ws/terminal?ticket=…` upgrades when the ticket
 * is one the API issued and nobody used; anything else gets 401 without an upgrade. Each socket then runs a
 * `WebTerminalSession`.
 */
export class WebTerminalEndpoint {
  private readonly server = new WebSocketServer({ noServer: true, maxPayload: WEB_TERMINAL_MAX_FRAME_BYTES, perMessageDeflate: false });
  private readonly sessions = new Set<WebTerminalSession>();
  private readonly dependencies: WebTerminalDependencies;

  constructor(
    private readonly tickets: TerminalTicketRedeemer,
    dependencies: Omit<WebTerminalDependencies, 'timings'> & { timings?: Partial<WebTerminalTimings> },
  ) {
    this.dependencies = { ...dependencies, timings: { ...DEFAULT_WEB_TERMINAL_TIMINGS, ...dependencies.timings } };
  }

  private get logger(): Logger {
    return this.dependencies.logger;
  }

  /** Whether an upgrade request is for this endpoint (the gateway's HTTP side routes by path). */
  handles(request: IncomingMessage): boolean {
    return new URL(request.url ?? '/', 'http://gateway').pathname === WEB_TERMINAL_PATH;
  }

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const ticket = new URL(request.url ?? '/', 'http://gateway').searchParams.get('ticket') ?? '';
    void this.tickets.redeem(ticket).then(
      (redeemed) => {
        // The browser may have gone while Redis answered.
        if (socket.destroyed) return;
        if (!redeemed) {
          this.logger.info({ event: 'web-terminal-unauthenticated' }, 'web terminal upgrade without a valid ticket');
          return refuse(socket, 401, 'Unauthorized', 'a valid, unused terminal ticket is required (POST /api/devices/{uid}/terminal)');
        }
        this.server.handleUpgrade(request, socket, head, (webSocket) => {
          const session = new WebTerminalSession(webSocket, redeemed, this.dependencies);
          this.sessions.add(session);
          webSocket.once('close', () => this.sessions.delete(session));
          session.run();
        });
      },
      (error: unknown) => {
        this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'web terminal ticket check failed');
        refuse(socket, 503, 'Service Unavailable', 'the gateway cannot check the ticket now; retry later');
      },
    );
  }

  stop(): void {
    for (const session of this.sessions) session.shutDown();
    this.server.close();
  }
}

function refuse(socket: Duplex, status: number, text: string, reason: string): void {
  const body = `${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
