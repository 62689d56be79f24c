import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import type { AgentConfig } from '@fleetgate/config';
import { createLogger } from '@fleetgate/logging';
import { AgentRunner } from './agent-runner';
import { Backoff } from './backoff';
import type { Fetch } from './registration';

/**
 * The runner against a fake API (an injected fetch) and a small WebSocket server on a real socket standing in for the
 * gateway, which the test tells to accept, drop or refuse each tunnel.
 */
describe('AgentRunner', () => {
  let directory: string;
  let http: Server;
  let tunnelUrl: string;
  const gateway = { next: [] as ('accept-then-drop' | 'accept' | 401 | 403 | 503)[], connections: 0 };
  const calls = { registrations: 0, info: 0 };

  const fakeApi: Fetch = async (input) => {
    const url = String(input);
    if (url.endsWith('/api/devices/auth')) {
      calls.registrations++;
      return Response.json({ uid: 'a'.repeat(64), token: `token-${calls.registrations}`, name: 'pi', namespace: 'acme' });
    }
    if (url.endsWith('/info')) {
      calls.info++;
      return Response.json({ version: '0.1.0', endpoints: { tunnel: tunnelUrl, ssh: '127.0.0.1:2222' } });
    }
    return new Response('not found', { status: 404 });
  };

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'fleetgate-runner-'));
    http = createServer();
    const server = new WebSocketServer({ noServer: true });
    http.on('upgrade', (request, socket, head) => {
      gateway.connections++;
      const behaviour = gateway.next.shift() ?? 'accept';
      if (typeof behaviour === 'number') {
        socket.end(`HTTP/1.1 ${behaviour} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        return;
      }
      server.handleUpgrade(request, socket, head, (webSocket) => {
        webSocket.send(JSON.stringify({ type: 'hello', assertionKey: 'key', pingSeconds: 10, deadAfterSeconds: 30 }));
        if (behaviour === 'accept-then-drop') setTimeout(() => webSocket.close(1012, 'gateway restarting'), 50);
      });
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    tunnelUrl = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
    await rm(directory, { recursive: true, force: true });
  });

  const config: () => AgentConfig = () => ({
    serverAddress: 'http://api.invalid',
    tenantId: '00000000-0000-4000-8000-000000000000',
    privateKeyPath: join(directory, 'agent.key'),
    preferredHostname: 'pi',
    preferredIdentity: 'aa:bb:cc:dd:ee:ff',
    heartbeatIntervalSeconds: 30,
    log: { level: 'silent' },
    mode: 'host',
    connector: { dockerSocket: '/nonexistent', keysDirectory: directory },
  });

  it('keeps its token across tunnel reconnects and registers again only when the gateway refuses it (401/403)', async () => {
    // Dropped twice (a gateway restart), refused once by an outage, then the token is refused: only that re-registers.
    gateway.next = ['accept-then-drop', 'accept-then-drop', 503, 401, 'accept-then-drop', 403, 'accept'];
    let ups = 0;
    const runner = new AgentRunner(config(), '0.1.0', createLogger({ service: 'agent', level: 'silent' }), {
      fetch: fakeApi,
      backoff: new Backoff(20, 100),
      createSessionServer: () => ({ serve: (stream) => stream.destroy() }),
      onTunnelState: (state) => {
        if (state === 'up') ups++;
      },
    });
    const running = runner.run();
    const deadline = Date.now() + 15_000;
    while (gateway.connections < 7 || ups < 4) {
      if (Date.now() > deadline) throw new Error(`stuck after ${gateway.connections} tunnel attempts, ${ups} up`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    runner.stop();
    await running;

    expect(ups).toBe(4);
    // The first registration, then one after the 401 and one after the 403; none after drops or the 503.
    expect(calls.registrations).toBe(3);
    expect(calls.info).toBe(3);
  });
});
