import { spawn } from 'node:child_process';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { utils } from 'ssh2';
import { createLogger } from '@fleetgate/logging';
import type { GatewayAuditEvent } from './gateway-audit';
import { type AdmittedConnection, GatewayListener } from './gateway-listener';
import { defaultGatewaySettings, type GatewaySettings } from './gateway-settings';
import { GatewaySettingsCache } from './gateway-settings-cache';
import { ProxyProtocolGate } from './proxy-protocol';

/**
 * The PROXY protocol on the gateway's SSH listener, over real sockets, with the real OpenSSH client behind a
 * balancer that prepends the header (as HAProxy's `send-proxy` and `send-proxy-v2` do).
 */
describe('the SSH listener behind an L4 balancer (PROXY protocol, real ssh)', () => {
  const logger = createLogger({ service: 'proxy-protocol-spec', level: 'silent' });
  const hostKey = utils.generateKeyPairSync('ed25519');
  const closers: Array<() => Promise<void>> = [];

  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  /** A gateway whose sessions answer any command with the client address the listener admitted them as. */
  async function startGateway(trusted: string[], overrides: Partial<GatewaySettings> = {}) {
    const settings = new GatewaySettingsCache(
      { find: async () => null, subscribeToSettings: async () => () => undefined },
      { ...defaultGatewaySettings({ maxAuthAttempts: 6 }), ...overrides },
      logger,
    );
    const admitted: string[] = [];
    const audit: GatewayAuditEvent[] = [];
    const listener = new GatewayListener({
      host: '127.0.0.1',
      port: 0,
      hostKeys: () => [hostKey.private],
      settings,
      autoBlock: { blockedUntil: async () => 0, recordFailure: async () => 0 },
      onConnection: (connection) => answerWithAddress(connection, admitted),
      logger,
      audit: { record: (event) => audit.push(event) },
      proxyProtocol: new ProxyProtocolGate(trusted, 2_000),
    });
    await listener.start();
    closers.push(() => listener.stop());
    return { port: listener.port, admitted, audit };
  }

  /** A TCP relay standing in for the balancer: dials the gateway from 127.0.0.1 and sends `header` first. */
  async function startBalancer(gatewayPort: number, header: (client: Socket) => Buffer | null): Promise<number> {
    const sockets = new Set<Socket>();
    const server: Server = createServer((client) => {
      const upstream = connect({ host: '127.0.0.1', port: gatewayPort, localAddress: '127.0.0.1' });
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('error', () => undefined);
      }
      const first = header(client);
      if (first) upstream.write(first);
      client.pipe(upstream).pipe(client);
      // When one side goes, so does the other: pipe() alone would leave the survivor paused and open.
      client.once('close', () => upstream.destroy());
      upstream.once('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          for (const socket of sockets) socket.destroy();
        }),
    );
    return (server.address() as AddressInfo).port;
  }

  const v1 = (source: string) => (client: Socket) =>
    Buffer.from(`PROXY TCP4 ${source} 127.0.0.1 ${client.remotePort ?? 0} 2222\r\n`, 'latin1');

  it('judges a connection from the trusted balancer by the address in its v1 header', async () => {
    const gateway = await startGateway(['127.0.0.1/32']);
    const balancer = await startBalancer(gateway.port, v1('203.0.113.7'));
    const result = await ssh(balancer, 'whoami');
    expect({ status: result.status, stdout: result.stdout }).toEqual({ status: 0, stdout: '203.0.113.7\n' });
    expect(gateway.admitted).toEqual(['203.0.113.7']);
  });

  it('reads a v2 header, with the first SSH bytes in the same segment', async () => {
    const gateway = await startGateway(['127.0.0.0/8']);
    const balancer = await startBalancer(gateway.port, (client) => {
      const header = Buffer.alloc(28);
      Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]).copy(header);
      header[12] = 0x21;
      header[13] = 0x11;
      header.writeUInt16BE(12, 14);
      Buffer.from([198, 51, 100, 9, 127, 0, 0, 1]).copy(header, 16);
      header.writeUInt16BE(client.remotePort ?? 0, 24);
      header.writeUInt16BE(2222, 26);
      return header;
    });
    const result = await ssh(balancer, 'whoami');
    expect({ status: result.status, stdout: result.stdout }).toEqual({ status: 0, stdout: '198.51.100.9\n' });
  });

  it('applies address rules to the real client, not to the balancer', async () => {
    const gateway = await startGateway(['127.0.0.1/32'], { blocked_clients: ['203.0.113.0/24'] });
    const blocked = await ssh(await startBalancer(gateway.port, v1('203.0.113.7')), 'whoami');
    expect(blocked.status).toBe(255);
    expect(gateway.admitted).toEqual([]);
    expect(gateway.audit).toEqual([expect.objectContaining({ kind: 'client-refused', address: '203.0.113.7' })]);

    const allowed = await ssh(await startBalancer(gateway.port, v1('198.51.100.20')), 'whoami');
    expect(allowed.stdout).toBe('198.51.100.20\n');
  });

  it('refuses a PROXY header from an address that is not a trusted balancer, and serves that address without one', async () => {
    const gateway = await startGateway(['192.0.2.1/32']);
    const spoofing = await ssh(await startBalancer(gateway.port, v1('203.0.113.7')), 'whoami');
    expect(spoofing.status).toBe(255);
    expect(gateway.admitted).toEqual([]);
    expect(gateway.audit).toEqual([expect.objectContaining({ kind: 'proxy-refused', address: '127.0.0.1' })]);

    const direct = await ssh(gateway.port, 'whoami');
    expect({ status: direct.status, stdout: direct.stdout }).toEqual({ status: 0, stdout: '127.0.0.1\n' });
  });

  it('refuses a connection from a trusted balancer that sends no header or a broken one', async () => {
    const gateway = await startGateway(['127.0.0.1/32']);
    const bare = await ssh(gateway.port, 'whoami');
    expect(bare.status).toBe(255);
    const broken = await ssh(await startBalancer(gateway.port, () => Buffer.from('PROXY TCP4 nonsense\r\n')), 'whoami');
    expect(broken.status).toBe(255);
    expect(gateway.admitted).toEqual([]);
    expect(gateway.audit.map((event) => [event.kind, event.address])).toEqual([
      ['proxy-refused', '127.0.0.1'],
      ['proxy-refused', '127.0.0.1'],
    ]);
    expect(gateway.audit[0].reason).toMatch(/sent no PROXY header/);
    expect(gateway.audit[1].reason).toMatch(/invalid PROXY header/);
  });
});

function answerWithAddress(admitted: AdmittedConnection, addresses: string[]): void {
  addresses.push(admitted.clientAddress);
  const { connection } = admitted;
  connection.on('error', () => undefined);
  connection.on('authentication', (context) => context.accept());
  connection.on('ready', () => {
    connection.on('session', (accept) => {
      accept().once('exec', (acceptExec) => {
        const stream = acceptExec();
        stream.write(`${admitted.clientAddress}\n`);
        stream.exit(0);
        stream.end();
      });
    });
  });
}

/** The stock OpenSSH client, run asynchronously: the gateway it talks to runs in this process. */
function ssh(port: number, command: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const args = [
    '-p', String(port),
    '-o', 'StrictHostKeyChecking=no',
    '-o', 'UserKnownHostsFile=/dev/null',
    '-o', 'BatchMode=yes',
    '-o', 'ConnectTimeout=10',
    '-o', 'LogLevel=ERROR',
    'person@127.0.0.1',
    command,
  ];
  return new Promise((resolve) => {
    const child = spawn('ssh', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
