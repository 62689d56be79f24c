import type { Duplex } from 'node:stream';
import WebSocket, { createWebSocketStream } from 'ws';
import {
  type AgentMessage,
  gatewayMessageSchema,
  parseMessage,
  pickupPath,
  TUNNEL_CONTROL_PATH,
} from '@fleetgate/tunnel';
import type { Logger } from '@fleetgate/logging';

export interface TunnelClientOptions {
  /** ws(s):// base URL of the gateway's tunnel endpoint. */
  tunnelUrl: string;
  token: string;
  /** The agent's heartbeat: a WebSocket ping this often, so the gateway sees the device alive. */
  pingSeconds: number;
  logger: Logger;
  /** Called with the platform's assertion key when the gateway greets the agent. */
  onHello: (assertionKey: string) => void;
  /** Called with each stream the gateway opens (one per SSH session). */
  onStream: (stream: Duplex) => void;
}

/**
 * Holds the control WebSocket to the gateway and picks up a fresh WebSocket for each stream the gateway asks for.
 * `run()` resolves when the tunnel is gone, for whatever reason, so the caller can back off and reconnect.
 */
export class TunnelClient {
  private socket?: WebSocket;

  constructor(private readonly options: TunnelClientOptions) {}

  run(): Promise<{ connected: boolean; reason: string }> {
    return new Promise((resolve) => {
      let connected = false;
      let lastHeard = Date.now();
      let deadAfterMs = 35_000;
      let watchdog: NodeJS.Timeout | undefined;
      let heartbeat: NodeJS.Timeout | undefined;
      const socket = new WebSocket(`${this.options.tunnelUrl}${TUNNEL_CONTROL_PATH}`, {
        headers: { authorization: `Bearer ${this.options.token}` },
        handshakeTimeout: 20_000,
      });
      this.socket = socket;
      const heard = () => (lastHeard = Date.now());

      socket.on('upgrade', (response) => response.socket.setNoDelay(true));
      socket.on('open', () => {
        connected = true;
        heard();
        this.options.logger.info({ event: 'tunnel-up' }, 'tunnel connected');
        watchdog = setInterval(() => {
          // Silence means the path is dead even when TCP has not noticed (a NAT dropped the mapping, say).
          if (Date.now() - lastHeard > deadAfterMs) socket.terminate();
        }, 1_000);
        heartbeat = setInterval(() => socket.ping(), this.options.pingSeconds * 1000);
      });
      socket.on('ping', heard);
      socket.on('pong', heard);
      socket.on('message', (data) => {
        heard();
        const message = parseMessage(gatewayMessageSchema, data);
        if (!message) return;
        if (message.type === 'hello') {
          deadAfterMs = message.deadAfterSeconds * 1000;
          this.options.onHello(message.assertionKey);
        } else if (message.type === 'open') {
          this.pickUp(message.id);
        }
      });
      socket.on('unexpected-response', (_request, response) => {
        socket.terminate();
        resolve({ connected: false, reason: `tunnel refused: HTTP ${response.statusCode}` });
      });
      socket.on('error', (error) => this.options.logger.debug({ err: error.message }, 'tunnel error'));
      socket.on('close', (code, reason) => {
        clearInterval(watchdog);
        clearInterval(heartbeat);
        resolve({ connected, reason: `tunnel closed (${code}${reason.length ? ` ${reason.toString()}` : ''})` });
      });
    });
  }

  close(): void {
    this.socket?.close(1001, 'agent stopping');
  }

  private pickUp(id: string): void {
    const stream = new WebSocket(`${this.options.tunnelUrl}${pickupPath(id)}`, {
      headers: { authorization: `Bearer ${this.options.token}` },
      handshakeTimeout: 20_000,
    });
    stream.on('upgrade', (response) => response.socket.setNoDelay(true));
    stream.once('open', () => this.options.onStream(createWebSocketStream(stream)));
    stream.once('error', (error) => {
      this.options.logger.warn({ err: error.message, id }, 'pickup failed');
      this.send({ type: 'pickup-failed', id, reason: error.message });
    });
  }

  private send(message: AgentMessage): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }
}
