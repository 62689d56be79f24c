import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { createLogger } from '@fleetgate/logging';
import type { GatewayMessage } from '@fleetgate/tunnel';
import { TunnelClient, type TunnelOutcome } from './tunnel-client';

/**
 * The agent's tunnel client against a small WebSocket server on a real socket, standing in for the gateway: it
 * greets with chosen liveness settings, then keeps quiet (no pings, no pongs), as a gateway behind a dead path would.
 */
describe('TunnelClient', () => {
  let http: Server;
  let server: WebSocketServer;
  let url: string;
  let respond: (socket: WebSocket) => void;
  let refuseWith: number | null;
  /** Pickups (`/agent/pickup/<id>`) go here when set, instead of being accepted. */
  let onPickup: ((request: IncomingMessage, socket: Duplex) => void) | null;

  beforeEach(async () => {
    refuseWith = null;
    onPickup = null;
    http = createServer();
    server = new WebSocketServer({ noServer: true, autoPong: false });
    http.on('upgrade', (request, socket, head) => {
      if (onPickup && request.url?.startsWith('/agent/pickup/')) {
        onPickup(request, socket);
        return;
      }
      if (refuseWith !== null) {
        socket.end(`HTTP/1.1 ${refuseWith} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        return;
      }
      server.handleUpgrade(request, socket, head, (webSocket) => respond(webSocket));
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    for (const client of server.clients) client.terminate();
    server.close();
    await new Promise((resolve) => http.close(resolve));
  });

  const client = (onHello: () => void = () => undefined) =>
    new TunnelClient({
      tunnelUrl: url,
      token: 'device-token',
      pingSeconds: 30,
      logger: createLogger({ service: 'agent', level: 'silent' }),
      onHello,
      onStream: (stream) => stream.destroy(),
    });
  const hello = (pingSeconds: number, deadAfterSeconds: number): GatewayMessage => ({
    type: 'hello',
    assertionKey: 'key',
    pingSeconds,
    deadAfterSeconds,
  });

  it('drops a silent tunnel after the dead-after time the gateway’s hello gives, not its own default', async () => {
    respond = (socket) => socket.send(JSON.stringify(hello(1, 2)));
    let greetedAt = 0;
    const started = Date.now();
    const outcome = await Promise.race([
      client(() => (greetedAt = Date.now())).run(),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 10_000).unref()),
    ]);
    expect(outcome).toMatchObject({ connected: true });
    expect(greetedAt).toBeGreaterThan(0);
    const silentFor = Date.now() - greetedAt;
    expect(silentFor).toBeGreaterThanOrEqual(2_000);
    expect(silentFor).toBeLessThan(4_000);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('keeps a tunnel whose gateway pings within the dead-after time', async () => {
    respond = (socket) => {
      socket.send(JSON.stringify(hello(1, 2)));
      const pinger = setInterval(() => socket.ping(), 1_000);
      socket.on('close', () => clearInterval(pinger));
    };
    const tunnel = client();
    let ended: TunnelOutcome | null = null;
    void tunnel.run().then((outcome) => (ended = outcome));
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    expect(ended).toBeNull();
    tunnel.close();
  });

  it('reports the status of a refused tunnel, so the agent can tell a refused token (401/403) from an outage', async () => {
    refuseWith = 401;
    expect(await client().run()).toMatchObject({ connected: false, refusedStatus: 401 });
    refuseWith = 503;
    expect(await client().run()).toMatchObject({ connected: false, refusedStatus: 503 });
  });

  it('picks a stream up at the URL the open names (another gateway process), with its token, else at its tunnel URL', async () => {
    const other = createServer();
    const pickedUp: Array<{ where: string; path?: string; authorization?: string }> = [];
    const record = (where: string) => (request: IncomingMessage, socket: Duplex) => {
      pickedUp.push({ where, path: request.url, authorization: request.headers.authorization });
      socket.destroy();
    };
    other.on('upgrade', record('other'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const otherUrl = `ws://127.0.0.1:${(other.address() as AddressInfo).port}`;
    const [viaOther, viaTunnel] = ['a'.repeat(32), 'b'.repeat(32)];
    onPickup = record('tunnel');
    respond = (socket) => {
      socket.send(JSON.stringify(hello(10, 30)));
      const open = (message: GatewayMessage) => socket.send(JSON.stringify(message));
      open({ type: 'open', id: viaOther, url: otherUrl });
      open({ type: 'open', id: viaTunnel });
    };
    const tunnel = client();
    void tunnel.run();
    try {
      const deadline = Date.now() + 5_000;
      while (pickedUp.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(pickedUp).toEqual(
        expect.arrayContaining([
          { where: 'other', path: `/agent/pickup/${viaOther}`, authorization: 'Bearer device-token' },
          { where: 'tunnel', path: `/agent/pickup/${viaTunnel}`, authorization: 'Bearer device-token' },
        ]),
      );
    } finally {
      tunnel.close();
      await new Promise((resolve) => other.close(resolve));
    }
  });
});
