import type { Duplex } from 'node:stream';
import WebSocket, { createWebSocketStream } from 'ws';
import {
  type AgentMessage,
  DEFAULT_DEAD_AFTER_SECONDS,
  DEFAULT_PING_SECONDS,
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

export interface TunnelOutcome {
  /** The tunnel was up (the gateway accepted it) before it went down. */
  connected: boolean;
  reason: string;
  /** The HTTP status the gateway refused the tunnel with, when it did (401/403: the token is not accepted). */
  refusedStatus?: number;
}

/**
 * Holds the control WebSocket to the gateway and picks up a fresh WebSocket for each stream the gateway asks for.
 * `run()` resolves when the tunnel is gone, for whatever reason, so the caller can back off and reconnect.
 */
export class TunnelClient {
  private socket?: WebSocket;

  constructor(private readonly options: TunnelClientOptions) {}

  run(): Promise<TunnelOutcome> {
    return new Promise((resolve) => {
      let connected = false;
      let lastHeard = Date.now();
      // Until the gateway's hello says otherwise; the hello carries the gateway's own liveness settings.
      let deadAfterMs = DEFAULT_DEAD_AFTER_SECONDS * 1000;
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
        watchdog = this.watch(socket, () => lastHeard, () => deadAfterMs, DEFAULT_PING_SECONDS);
        heartbeat = setInterval(() => socket.ping(), this.options.pingSeconds * 1000);
      });
      socket.on('ping', heard);
      socket.on('pong', heard);
      socket.on('message', (data) => {
        heard();
        const message = parseMessage(gatewayMessageSchema, data);
        if (!message) return;
        if (message.type === 'hello') {
          // The gateway pings every pingSeconds and gives up after deadAfterSeconds of silence: the agent holds the
          // path to the same standard, so both ends agree on when a tunnel is dead.
          deadAfterMs = message.deadAfterSeconds * 1000;
          clearInterval(watchdog);
          watchdog = this.watch(socket, () => lastHeard, () => deadAfterMs, message.pingSeconds);
          this.options.onHello(message.assertionKey);
        } else if (message.type === 'open') {
          this.pickUp(message.id, message.url);
        }
      });
      socket.on('unexpected-response', (_request, response) => {
        socket.terminate();
        resolve({
          connected: false,
          reason: `tunnel refused: HTTP ${response.statusCode}`,
          refusedStatus: response.statusCode,
        });
      });
      socket.on('error', (error) => this.options.logger.debug({ err: error.message }, 'tunnel error'));
      socket.on('close', (code, reason) => {
        clearInterval(watchdog);
        clearInterval(heartbeat);
        resolve({ connected, reason: `tunnel closed (${code}${reason.length ? ` ${reason.toString()}` : ''})` });
      });
    });
  }

  /**
   * Silence means the path is dead even when TCP has not noticed (a NAT dropped the mapping, say). Checked a few times
   * per ping interval rather than every second: a process may hold thousands of tunnels.
   */
  private watch(socket: WebSocket, lastHeard: () => number, deadAfterMs: () => number, pingSeconds: number): NodeJS.Timeout {
    const everyMs = Math.max(250, Math.min(pingSeconds * 1000, deadAfterMs()) / 4);
    return setInterval(() => {
      if (Date.now() - lastHeard() > deadAfterMs()) {
        this.options.logger.info({ event: 'tunnel-silent', silentMs: Date.now() - lastHeard() }, 'gateway silent, dropping the tunnel');
        socket.terminate();
      }
    }, everyMs);
  }

  close(): void {
    this.socket?.close(1001, 'agent stopping');
  }

  /**
   * `url` names the gateway process waiting for the stream; it came over the control tunnel, which only a gateway
   * that verified this device's token can write to, so the token may go there too.
   */
  private pickUp(id: string, url?: string): void {
    const base = (url ?? this.options.tunnelUrl).replace(/\/+$/, '');
    const stream = new WebSocket(`${base}${pickupPath(id)}`, {
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
