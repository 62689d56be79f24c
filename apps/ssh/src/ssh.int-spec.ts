import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { Client } from 'ssh2';
import { WebSocket } from 'ws';
import { loadSshConfig } from '@fleetgate/config';
import { createTestContext, persist, serverEnvironment, type TestContext } from '@fleetgate/testing';
import { GatewayHostKeyService, LiveConnectionTracker } from '@fleetgate/gateway';
import { GatewayFleetRepository, TerminalTicketRepository } from '@fleetgate/queue';
import { createSshApplication } from './bootstrap';
import { GatewayHealthService } from './server/gateway-health.service';
import { SshServerService } from './server/ssh-server.service';

describe('ssh gateway application (in process, real sockets)', () => {
  let context: TestContext;
  let hostKeyDirectory: string;
  let app: INestApplicationContext;

  const start = () =>
    createSshApplication(
      loadSshConfig(
        serverEnvironment(context, {
          SSH_PORT: '0',
          SSH_HTTP_PORT: '0',
          SSH_HOST_KEY_DIR: hostKeyDirectory,
        }),
      ),
    );

  beforeAll(async () => {
    context = await createTestContext(__filename);
    hostKeyDirectory = await mkdtemp(join(tmpdir(), 'fleetgate-hostkeys-'));
    app = await start();
  });
  afterAll(async () => {
    await app?.close();
    await context.close();
    await rm(hostKeyDirectory, { recursive: true, force: true });
  });

  it('answers its health check', async () => {
    const port = app.get(GatewayHealthService).port;
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'ok',
      service: 'ssh',
      checks: { ssh: 'up', database: 'up', redis: 'up' },
    });
  });

  it('reports its tunnels, sessions, pickups and streams on /metrics?format=json', async () => {
    const port = app.get(GatewayHealthService).port;
    const response = await fetch(`http://127.0.0.1:${port}/metrics?format=json`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ tunnels: 0, sessions: 0, pickupsWaiting: 0, streamsOpen: 0 });
  });

  it('serves Prometheus metrics on /metrics: live tunnels, sessions, connections and event-loop delay', async () => {
    const port = app.get(GatewayHealthService).port;
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    for (const name of ['fleetgate_tunnels', 'fleetgate_sessions', 'fleetgate_ssh_connections', 'fleetgate_tunnel_streams_open']) {
      expect(text).toMatch(new RegExp(`^${name} \\d+$`, 'm'));
    }
    expect(text).toContain('# TYPE fleetgate_nodejs_eventloop_lag_p99_seconds gauge');
  });

  it('answers liveness on /livez and readiness on /readyz', async () => {
    const port = app.get(GatewayHealthService).port;
    expect((await fetch(`http://127.0.0.1:${port}/livez`)).status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', checks: { ssh: 'up', database: 'up', redis: 'up' } });
  });

  it('serves the web terminal on its HTTP side, through its own SSH server', async () => {
    const port = app.get(GatewayHealthService).port;
    const refused = await new Promise<number | undefined>((resolve, reject) => {
      const attempt = new WebSocket(`ws://127.0.0.1:${port}/ws/terminal?ticket=nope`);
      attempt.on('unexpected-response', (request, response) => {
        resolve(response.statusCode);
        request.destroy();
      });
      attempt.on('open', () => reject(new Error('upgraded without a ticket')));
      attempt.on('error', () => undefined);
    });
    expect(refused).toBe(401);

    const tenantId = randomUUID();
    const namespace = await persist.namespace(context.connection, { tenant_id: tenantId });
    const device = await persist.device(context.connection, { tenant_id: tenantId, name: 'no-tunnel', status: 'accepted' });
    const ticket = await app
      .get(TerminalTicketRepository)
      .issue({ tenantId, deviceUid: device.uid, userId: 'someone', clientAddress: '192.0.2.7' }, 30);
    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws/terminal?ticket=${ticket}`);
    const texts: string[] = [];
    socket.on('message', (data, isBinary) => isBinary || texts.push(String(data)));
    socket.on('open', () =>
      socket.send(JSON.stringify({ type: 'start', username: 'pi', cols: 80, rows: 24, credential: { method: 'password', password: 'x' } })),
    );
    const code = await new Promise<number>((resolve) => socket.on('close', resolve));
    expect({ code, messages: texts.map((text) => JSON.parse(text)) }).toEqual({
      code: 4503,
      messages: [{ type: 'error', code: 'device-offline', message: `Device ${namespace.name}.no-tunnel is offline.` }],
    });
    await context.models.devices.deleteMany({ tenant_id: tenantId });
    await context.models.namespaces.deleteMany({ tenant_id: tenantId });
  });

  it('speaks SSH and keeps its host key across restarts', async () => {
    const keyPath = join(hostKeyDirectory, 'ssh_host_ed25519_key');
    expect((await stat(keyPath)).mode & 0o777).toBe(0o600);
    const firstKey = await hostKeyOf(app.get(SshServerService).port);

    await app.close();
    app = await start();
    const secondKey = await hostKeyOf(app.get(SshServerService).port);

    expect(secondKey).toEqual(firstKey);
    expect(await readFile(keyPath, 'utf8')).toContain('OPENSSH PRIVATE KEY');
  });

  it('shares host keys through the database: every process takes a rotation without a restart, and publishes its status', async () => {
    const second = await start();
    try {
      const ports = [app.get(SshServerService).port, second.get(SshServerService).port];
      const adopted = await hostKeyOf(ports[0]);
      expect(await hostKeyOf(ports[1])).toBe(adopted);
      // The key file of earlier versions became the first stored key, sealed.
      const stored = await context.models.gatewayHostKeys.find({}).lean();
      expect(stored.map((key) => [key.algorithm, key.public_key.split(' ')[1]])).toEqual([['ed25519', adopted]]);

      const rotated = await app.get(GatewayHostKeyService).rotate('ed25519');
      const newBlob = rotated.public_key.split(' ')[1];
      for (const port of ports) {
        const deadline = Date.now() + 10_000;
        while ((await hostKeyOf(port)) !== newBlob && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
        expect(await hostKeyOf(port)).toBe(newBlob);
      }

      const reports = await app.get(GatewayFleetRepository).reports();
      const processIds = [app.get(LiveConnectionTracker).processId, second.get(LiveConnectionTracker).processId];
      expect(reports.map((report) => report.status.id).sort()).toEqual([...processIds].sort());
      expect(reports.every((report) => report.status.listening)).toBe(true);
    } finally {
      await second.close();
    }
    expect((await app.get(GatewayFleetRepository).reports()).map((report) => report.status.id)).toEqual([
      app.get(LiveConnectionTracker).processId,
    ]);
  }, 60_000);
});

/** Connects with a real SSH client and returns the host key the server presented. */
function hostKeyOf(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let presented = '';
    client.on('error', () => (presented ? resolve(presented) : reject(new Error('no host key presented'))));
    client.on('close', () => (presented ? resolve(presented) : reject(new Error('closed before host key'))));
    client.connect({
      host: '127.0.0.1',
      port,
      username: 'nobody',
      password: 'wrong',
      readyTimeout: 5_000,
      hostVerifier: (key: Buffer) => {
        presented = key.toString('base64');
        return true;
      },
    });
  });
}
