import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server as TcpServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Client, type ClientChannel, utils } from 'ssh2';
import { DeviceSshServer } from '@fleetgate/agent-ssh-server';
import { type AppProcess, childEnvironment, createTestContext, type TestContext } from '@fleetgate/testing';
import { ensureLocalUser, runningAsRoot } from './support/local-user';
import { clientOptions, generateClientKey } from './support/openssh';
import { eventually, type Platform, startAgent, startPlatform } from './support/platform';
import { drained, KeystrokeProbe, MemorySampler, message, rawConnection, sendRaw, serverChannelId } from './support/ssh-abuse';

const USER = 'fgtest';
const PASSWORD = 'device-password-42';
const describeAsRoot = runningAsRoot ? describe : describe.skip;
/** The gateway's login grace in these tests (production: 120 s), so stalled connections are seen closing. */
const LOGIN_GRACE_SECONDS = 8;
const MAX_AUTH_ATTEMPTS = 6;
/** What one abuse may add to a process's resident memory: generous, far below what any flood here would hold. */
const MEMORY_BOUND_MIB = 96;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface DeviceJson {
  uid: string;
  name: string;
  online: boolean;
}

/**
 * SSH robustness (issue 15, item 3): the gateway and the device's agent as real processes, attacked with raw sockets
 * and with ssh2's client sending messages as they are, while a person types in a real OpenSSH session beside it.
 * Each abuse must end with the abusive connection closed (or its requests refused), the processes alive, their
 * resident memory within a bound, and the person's keystrokes still echoed.
 */
describeAsRoot('SSH robustness: the gateway and the agent under malformed input, floods and abuse', () => {
  let context: TestContext;
  let scratch: string;
  let platform: Platform;
  let agent: AppProcess;
  let key: string;
  let login: string;
  let probe: KeystrokeProbe;
  let memory: MemorySampler;
  const figures: Record<string, unknown> = {};

  beforeAll(async () => {
    context = await createTestContext(__filename);
    scratch = await mkdtemp(join(tmpdir(), 'fleetgate-ssh-robustness-'));
    ensureLocalUser(USER, PASSWORD);
    platform = await startPlatform(context, scratch, 'acme', {
      SSH_LOGIN_GRACE_SECONDS: String(LOGIN_GRACE_SECONDS),
      SSH_MAX_AUTH_ATTEMPTS: String(MAX_AUTH_ATTEMPTS),
    });
    agent = await startAgent(platform, { keyPath: join(scratch, 'agent', 'agent.key'), hostname: 'robust-pi', env: { FLEETGATE_LOG_LEVEL: 'info' } });
    const device = await eventually(async () => {
      const list = await platform.api<DeviceJson[]>('GET', '/api/devices?status=pending');
      return list.body.find((entry) => entry.name === 'robust-pi');
    }, 20_000, 'the device to register');
    expect((await platform.api('PATCH', `/api/devices/${device.uid}/accept`)).status).toBe(200);
    key = generateClientKey(join(scratch, 'id_ed25519'));
    const created = await platform.api('POST', '/api/sshkeys/public-keys', {
      data: Buffer.from(readFileSync(`${key}.pub`, 'utf8').trim()).toString('base64'),
      filter: { hostname: '.*' },
      name: 'robustness',
      username: '.*',
    });
    expect(created.status).toBe(200);
    login = `${USER}@${platform.namespace}.robust-pi`;
    await eventually(async () => (await platform.api<DeviceJson>('GET', `/api/devices/${device.uid}`)).body.online, 20_000, 'the device online');

    // A line counts as lost after 30 s: the floods below saturate this 2-core machine (and this process, which
    // sends them), so the probe measures latency and reports it, and fails only on a session that stopped.
    probe = new KeystrokeProbe([...clientOptions(platform.sshPort, key), `${login}@127.0.0.1`], childEnvironment(), { lostAfterMs: 30_000 });
    await probe.ready();
    probe.start();
    memory = new MemorySampler({ gateway: () => platform.gateway.child.pid, agent: () => agent.child.pid });
  }, 120_000);

  afterAll(async () => {
    memory?.stop();
    await probe?.stop();
    if (memory && probe) {
      figures['memory'] = { gateway: memory.figures('gateway'), agent: memory.figures('agent') };
      figures['keystrokes'] = probe.figures();
      figures['timeline'] = timeline;
      console.log(`ssh robustness figures: ${JSON.stringify(figures)}`);
    }
    await agent?.stop('SIGTERM');
    await platform?.stop();
    await context?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  /** Resident memory of the gateway and the agent, sampled during `abuse`: the growth over the start, in MiB. */
  async function withinMemoryBound(what: string, abuse: () => Promise<void>): Promise<void> {
    const before = new MemorySampler({ gateway: () => platform.gateway.child.pid, agent: () => agent.child.pid }, 100);
    try {
      await abuse();
    } finally {
      before.stop();
    }
    const growth = {
      gateway: before.figures('gateway').peak - before.figures('gateway').first,
      agent: before.figures('agent').peak - before.figures('agent').first,
    };
    figures[what] = { growthMiB: growth };
    expect(growth.gateway).toBeLessThan(MEMORY_BOUND_MIB);
    expect(growth.agent).toBeLessThan(MEMORY_BOUND_MIB);
  }

  const timeline: string[] = [];
  beforeEach(() => void timeline.push(`${new Date().toISOString()} ${expect.getState().currentTestName ?? ''}`));

  /** After each abuse: both processes alive, and the person's session still echoes. */
  afterEach(async () => {
    expect(platform.gateway.child.exitCode).toBeNull();
    expect(platform.gateway.child.signalCode).toBeNull();
    expect(agent.child.exitCode).toBeNull();
    await expect(probe.keystroke(30_000)).resolves.toBeGreaterThanOrEqual(0);
    expect(probe.failures).toEqual([]);
  });

  async function loggedIn(): Promise<Client> {
    const client = new Client();
    client.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve()).once('error', reject);
      client.connect({ host: '127.0.0.1', port: platform.sshPort, username: login, privateKey: readFileSync(key), readyTimeout: 30_000 });
    });
    return client;
  }
  const closedOf = (client: Client) => new Promise<void>((resolve) => client.once('close', () => resolve()));
  const within = <T>(promise: Promise<T>, ms: number) =>
    Promise.race([promise.then(() => 'closed' as const), sleep(ms).then(() => 'open' as const)]);
  const exec = (client: Client, command: string) =>
    new Promise<ClientChannel>((resolve, reject) => client.exec(command, (error, channel) => (error ? reject(error) : resolve(channel))));
  const output = async (client: Client, command: string) => {
    const channel = await exec(client, command);
    let text = '';
    channel.on('data', (chunk: Buffer) => (text += chunk.toString()));
    await new Promise((resolve) => channel.once('close', resolve));
    return text;
  };
  const gauges = async () =>
    (await (await fetch(`${platform.tunnelUrl.replace(/^ws/, 'http')}/metrics?format=json`, { signal: AbortSignal.timeout(5_000) })).json()) as {
      sessions: number;
      streamsOpen: number;
    };

  it('closes a connection whose identification is oversized, or which sends garbage or bad packets', async () => {
    await withinMemoryBound('malformed-before-kex', async () => {
      const cases: Array<[string, (socket: Socket) => void]> = [
        ['an identification of 1 MiB without an end', (socket) => socket.write(`SSH-2.0-${'A'.repeat(1024 * 1024)}`)],
        ['lines before the identification', (socket) => socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(2000))],
        ['binary garbage', (socket) => socket.write(randomBytes(256 * 1024))],
        ['a packet claiming 4 GiB', (socket) => socket.write(Buffer.concat([Buffer.from('SSH-2.0-abuse\r\n'), Buffer.from([0xff, 0xff, 0xff, 0xff, 4]), randomBytes(64)]))],
        ['a packet with more padding than length', (socket) => socket.write(Buffer.concat([Buffer.from('SSH-2.0-abuse\r\n'), Buffer.from([0, 0, 0, 12, 200]), randomBytes(11)]))],
        ['random packets after the identification', (socket) => socket.write(Buffer.concat([Buffer.from('SSH-2.0-abuse\r\n'), randomBytes(128 * 1024)]))],
      ];
      for (const [what, send] of cases) {
        const connection = await rawConnection(platform.sshPort);
        send(connection.socket);
        const lasted = await connection.closedWithin(10_000);
        expect({ what, closed: lasted !== 'open' }).toEqual({ what, closed: true });
        // Closed for the protocol error, not by the login grace.
        expect({ what, early: typeof lasted === 'number' && lasted < LOGIN_GRACE_SECONDS * 1000 }).toEqual({ what, early: true });
      }
    });
  });

  it('closes connections that stall (silent, mid-identification, mid-packet) after the login grace, many at once', async () => {
    await withinMemoryBound('stalled-connections', async () => {
      const stalls: Array<(socket: Socket) => void> = [
        () => undefined,
        (socket) => socket.write('SSH-2.0-half'),
        // A packet of 1020 bytes (a multiple of the cipher block with its length), of which 10 arrive.
        (socket) => socket.write(Buffer.concat([Buffer.from('SSH-2.0-abuse\r\n'), Buffer.from([0, 0, 3, 252, 10]), randomBytes(10)])),
      ];
      const connections = await Promise.all(
        Array.from({ length: 150 }, async (_, index) => {
          const connection = await rawConnection(platform.sshPort);
          stalls[index % stalls.length]?.(connection.socket);
          return connection;
        }),
      );
      const lasted = await Promise.all(connections.map((connection) => connection.closedWithin((LOGIN_GRACE_SECONDS + 10) * 1000)));
      expect(lasted.filter((value) => value === 'open')).toHaveLength(0);
      const times = lasted.filter((value): value is number => typeof value === 'number');
      // None closed long before the grace (they sent nothing wrong), all by its end and a margin for a loaded machine.
      expect(Math.min(...times)).toBeGreaterThanOrEqual(LOGIN_GRACE_SECONDS * 1000 - 500);
      figures['stalled'] = { connections: connections.length, closedAfterMs: { min: Math.min(...times), max: Math.max(...times) } };
    });
  });

  it('ends authentication floods: a connection at its attempt budget, and many connections at once', async () => {
    const keys = Array.from({ length: 4 }, () => utils.generateKeyPairSync('ed25519').private);
    /** One connection offering wrong keys and passwords until the gateway ends it; resolves with the attempts made. */
    const flood = () =>
      new Promise<number>((resolve) => {
        const client = new Client();
        let attempts = 0;
        client.on('error', () => undefined);
        client.once('close', () => resolve(attempts));
        client.once('ready', () => {
          client.end();
          resolve(-1);
        });
        client.connect({
          host: '127.0.0.1',
          port: platform.sshPort,
          username: login,
          readyTimeout: 60_000,
          authHandler: (_methods, _partial, next) => {
            attempts += 1;
            if (attempts > 200) return next(false as never);
            next(
              attempts % 3 === 0
                ? { type: 'password', username: login, password: `wrong-${attempts}` }
                : { type: 'publickey', username: login, key: keys[attempts % keys.length] as string },
            );
          },
        });
      });
    await withinMemoryBound('auth-flood', async () => {
      const single = await flood();
      expect(single).toBeGreaterThan(0);
      // The budget counts wrong credentials; a password attempt the login lockout refuses unchecked (its pair is
      // busy or locked) is refused without counting, so a flood ends within twice the budget, not at 200 attempts.
      expect(single).toBeLessThanOrEqual(MAX_AUTH_ATTEMPTS * 2);
      const many = await Promise.all(Array.from({ length: 60 }, () => flood()));
      // None logged in; each was ended within its budget (or by the login grace, on a machine too loaded to finish).
      expect(many.filter((attempts) => attempts < 0 || attempts > MAX_AUTH_ATTEMPTS * 2)).toEqual([]);
      figures['authFlood'] = { connections: many.length + 1, mostAttemptsOnOneConnection: Math.max(single, ...many) };
    });
  });

  it('refuses garbage global requests, channel opens and channel requests after login, and keeps the connection usable', async () => {
    await withinMemoryBound('garbage-requests', async () => {
      const client = await loggedIn();
      const sleeper = await exec(client, 'sleep 60');
      const recipient = serverChannelId(sleeper);
      for (let index = 0; index < 2_000; index++) {
        sendRaw(client, message.globalRequest(randomBytes(1 + (index % 60)).toString('hex'), true, randomBytes(index % 200)));
        sendRaw(client, message.channelOpen(`garbage-${index}`, 10_000 + index, 2 ** 21, 32_768, randomBytes(index % 100)));
        sendRaw(client, message.channelRequest(recipient, randomBytes(1 + (index % 30)).toString('hex'), true, randomBytes(index % 300)));
        sendRaw(client, message.channelRequest(900_000 + index, 'keepalive@openssh.com', true));
        sendRaw(client, message.windowAdjust(recipient, 0xffffffff));
        sendRaw(client, message.windowAdjust(800_000 + index, 1));
        if (index % 100 === 0) await drained(client);
      }
      // The connection still works, through the gateway to the device.
      await expect(output(client, 'echo still-here')).resolves.toBe('still-here\n');
      client.end();
    });
  });

  it('bounds what `env` requests may make the gateway and the agent keep', async () => {
    await withinMemoryBound('env-flood', async () => {
      const client = await loggedIn();
      const closed = closedOf(client);
      const sleeper = await exec(client, 'sleep 60');
      const recipient = serverChannelId(sleeper);
      const value = 'v'.repeat(30_000);
      // 150 MB of variables: kept, they would show as the gateway's growth, above the bound.
      for (let index = 0; index < 5_000; index++) {
        sendRaw(client, message.env(recipient, `FLOOD_${index}`, value));
        if (index % 20 === 0) await drained(client);
      }
      await drained(client, 0);
      expect(await within(closed, 100)).toBe('open');
      await expect(output(client, 'echo after-env-flood')).resolves.toBe('after-env-flood\n');
      client.end();
    });
  });

  it('disconnects with a protocol error a client that sends past its channel window', async () => {
    await withinMemoryBound('window-overrun', async () => {
      const client = await loggedIn();
      const closed = closedOf(client);
      // A program that reads no input: the device's window fills, the gateway stops reading, the person's window closes.
      const sleeper = await exec(client, 'sleep 60');
      const recipient = serverChannelId(sleeper);
      const chunk = randomBytes(30_000);
      for (let sent = 0; sent < 64 * 1024 * 1024; sent += chunk.length) {
        sendRaw(client, message.channelData(recipient, chunk));
        await drained(client);
        if ((await within(closed, 0)) === 'closed') break;
      }
      expect(await within(closed, 10_000)).toBe('closed');
    });
  });

  it('closes a connection whose messages are malformed after login', async () => {
    const malformed: Array<[string, (recipient: number) => Buffer]> = [
      ['a truncated channel request', () => Buffer.from([98, 0, 0])],
      ['an exec request whose command length runs past the packet', (recipient) => Buffer.concat([message.channelRequest(recipient, 'exec', true), Buffer.from([0xff, 0xff, 0xff, 0x00, 0x65])])],
      ['channel data without its length', (recipient) => message.channelData(recipient, Buffer.alloc(0)).subarray(0, 5)],
    ];
    for (const [what, build] of malformed) {
      const client = await loggedIn();
      const closed = closedOf(client);
      const channel = await exec(client, 'sleep 60');
      sendRaw(client, build(serverChannelId(channel)));
      expect({ what, state: await within(closed, 10_000) }).toEqual({ what, state: 'closed' });
    }
  });

  it('holds bounded memory for a client that never reads, and frees everything once it leaves', async () => {
    const before = await gauges();
    await withinMemoryBound('never-reads', async () => {
      const client = await loggedIn();
      const closed = closedOf(client);
      const firehose = await exec(client, 'cat /dev/zero');
      // The person's TCP socket stops reading: only SSH windows and socket buffers may hold what the device sends.
      (client as unknown as { _sock: Socket })._sock.pause();
      firehose.pause();
      await sleep(8_000);
      expect(await within(closed, 0)).toBe('open');
      (client as unknown as { _sock: Socket })._sock.destroy();
    });
    // The session, its stream and the device's program end with the connection.
    await eventually(async () => {
      const now = await gauges();
      return now.sessions <= before.sessions && now.streamsOpen <= before.streamsOpen;
    }, 20_000, 'the gateway to release the session of the client that never read');
  });
});

/**
 * The agent's SSH server serves only streams the gateway brings, but it must not trust them to be well formed: a
 * gateway with a fault (or a compromised one) sends it the same garbage. `DeviceSshServer` here serves a loopback
 * TCP listener, in this process.
 */
describe("the agent's SSH server under malformed and stalled streams", () => {
  let listener: TcpServer;
  let port: number;
  const streams = new Set<Socket>();

  beforeAll(async () => {
    const server = new DeviceSshServer({
      hostKeyPem: utils.generateKeyPairSync('ed25519').private,
      deviceUid: () => 'f'.repeat(64),
      deviceName: () => 'robust-device',
      assertionKey: () => null,
      logger: pino({ level: 'silent' }),
      loginGraceMs: 2_000,
    });
    listener = createServer((socket) => {
      streams.add(socket);
      socket.once('close', () => streams.delete(socket));
      socket.on('error', () => undefined);
      server.serve(socket);
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    port = (listener.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const socket of streams) socket.destroy();
    await new Promise((resolve) => listener.close(resolve));
  });

  it('closes malformed streams at once and stalled ones after its login grace', async () => {
    const rssBefore = process.memoryUsage().rss;
    const malformed = await Promise.all(
      [
        `SSH-2.0-${'A'.repeat(1024 * 1024)}`,
        Buffer.concat([Buffer.from('SSH-2.0-abuse\r\n'), Buffer.from([0xff, 0xff, 0xff, 0xff, 4])]),
        Buffer.concat([Buffer.from('SSH-2.0-abuse\r\n'), randomBytes(64 * 1024)]),
      ].map(async (bytes) => {
        const connection = await rawConnection(port);
        connection.socket.write(bytes);
        return connection.closedWithin(1_500);
      }),
    );
    expect(malformed.every((lasted) => lasted !== 'open')).toBe(true);

    const stalled = await Promise.all(
      Array.from({ length: 100 }, async (_, index) => {
        const connection = await rawConnection(port);
        if (index % 2) connection.socket.write('SSH-2.0-stalling\r\n');
        return connection.closedWithin(8_000);
      }),
    );
    expect(stalled.filter((lasted) => lasted === 'open')).toHaveLength(0);
    await eventually(async () => streams.size === 0, 5_000, 'the agent to close its side of every stream');
    expect((process.memoryUsage().rss - rssBefore) / 1024 / 1024).toBeLessThan(MEMORY_BOUND_MIB);
  });
});
