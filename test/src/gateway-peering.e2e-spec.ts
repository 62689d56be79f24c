import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AppProcess, childEnvironment, createTestContext, freePort, serverEnvironment, type TestContext } from '@fleetgate/testing';
import { root, startNodeApp } from './apps';
import { ensureLocalUser, runningAsRoot } from './support/local-user';
import { askpassEnvironment, clientOptions, generateClientKey, runAsync } from './support/openssh';
import { eventually } from './support/platform';

const USER = 'fgtest';
const PASSWORD = 'device-password-42';
const describeAsRoot = runningAsRoot ? describe : describe.skip;
if (!runningAsRoot) {
  console.warn('gateway-peering e2e skipped: creating a local test user and switching to it needs root');
}

interface Gateway {
  name: string;
  sshPort: number;
  httpPort: number;
  process: AppProcess;
}

interface SessionJson {
  uid: string;
  device_uid: string;
  active: boolean;
  authenticated: boolean;
}

/**
 * The L4 balancer in front of the gateways' HTTP side, as agents see it in production: each connection goes to the
 * first gateway that accepts it, in order, so every agent starts on gateway A and moves on only when A is gone.
 */
async function startBalancer(port: number, backends: () => number[]): Promise<Server> {
  const server = createServer((client) => {
    client.on('error', () => undefined);
    const tryBackend = (index: number) => {
      const ports = backends();
      if (index >= ports.length) return client.destroy();
      const upstream: Socket = connect(ports[index], '127.0.0.1');
      let connected = false;
      upstream.once('connect', () => {
        connected = true;
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
        client.on('close', () => upstream.destroy());
        client.pipe(upstream).pipe(client);
      });
      upstream.once('error', () => {
        if (!connected) tryBackend(index + 1);
      });
    };
    tryBackend(0);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

/**
 * Issue 13, items 1 and 5: three gateway processes and two API processes as real processes on one database and one
 * Redis, an agent behind a balancer that sends it to gateway A, and people reaching the device with the stock
 * OpenSSH client through gateways B and C (docs/adr/0011-gateway-processes.md).
 */
describeAsRoot('several gateway and API processes, end to end with OpenSSH', () => {
  let context: TestContext;
  let scratch: string;
  let balancer: Server;
  let apis: AppProcess[] = [];
  let apiUrls: string[] = [];
  const gateways: Gateway[] = [];
  let agent: AppProcess;
  let token: string;
  let tenantId: string;
  let deviceUid: string;
  let key: string;

  const gateway = (name: string) => {
    const found = gateways.find((entry) => entry.name === name);
    if (!found) throw new Error(`no gateway ${name}`);
    return found;
  };
  const api = async <T>(replica: number, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${apiUrls[replica]}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  };
  const target = () => `${USER}@acme.peer-pi@127.0.0.1`;
  const ssh = (through: string, command: string, options: string[] = clientOptions(gateway(through).sshPort, key), env = childEnvironment()) =>
    runAsync('ssh', [...options, target(), command], { env });
  /** The gateway process named in Redis as holding the device's tunnel (`<hostname>:<pid>:<random>`). */
  const holderPid = async () => {
    const holder = await context.redis.hget(`${context.redisPrefix}:presence:holder:${tenantId}`, deviceUid);
    return holder ? Number(holder.split(':').at(-2)) : null;
  };
  const metrics = async (name: string) =>
    (await (await fetch(`http://127.0.0.1:${gateway(name).httpPort}/metrics?format=json`)).json()) as { tunnels: number; streamsOpen: number };

  beforeAll(async () => {
    context = await createTestContext(__filename);
    scratch = await mkdtemp(join(tmpdir(), 'fleetgate-peering-'));
    ensureLocalUser(USER, PASSWORD);
    key = generateClientKey(join(scratch, 'id_ed25519'));
    const balancerPort = await freePort();
    const shared = { PLATFORM_KEY_DIR: join(scratch, 'keys'), LOG_LEVEL: 'info' };

    const apiPorts = [await freePort(), await freePort()];
    const apiEnv = (port: number) =>
      serverEnvironment(context, {
        ...shared,
        API_PORT: String(port),
        PUBLIC_API_ENDPOINT: `127.0.0.1:${port}`,
        PUBLIC_SSH_ENDPOINT: '127.0.0.1:22',
        PUBLIC_TUNNEL_URL: `ws://127.0.0.1:${balancerPort}`,
      });
    const seeded = spawnSync(
      process.execPath,
      [join(root, 'dist/apps/api/apps/api/src/cli.js'), 'seed', '--username', 'owner', '--password', 'owner-password-1', '--email', 'owner@example.test', '--namespace', 'acme'],
      { env: { PATH: '/usr/bin:/bin', ...apiEnv(apiPorts[0]) }, encoding: 'utf8', cwd: root },
    );
    if (seeded.status !== 0) throw new Error(`seed failed: ${seeded.stderr}${seeded.stdout}`);
    const seedLine = JSON.parse(seeded.stdout.trim().split('\n').pop() ?? '{}') as { tenant_id?: string; tenantId?: string };
    tenantId = String(seedLine.tenant_id ?? seedLine.tenantId);
    apis = [];
    for (const port of apiPorts) apis.push(await startNodeApp('api', apiEnv(port), { url: `http://127.0.0.1:${port}/healthcheck` }));
    apiUrls = apiPorts.map((port) => `http://127.0.0.1:${port}`);

    for (const name of ['A', 'B', 'C']) {
      const [sshPort, httpPort] = [await freePort(), await freePort()];
      const env = serverEnvironment(context, {
        ...shared,
        SSH_PORT: String(sshPort),
        SSH_HTTP_PORT: String(httpPort),
        // The process's own address, past the balancer, as every gateway of a multi-machine deployment sets it.
        TUNNEL_PICKUP_URL: `ws://127.0.0.1:${httpPort}`,
        SSH_HOST_KEY_DIR: join(scratch, 'hostkeys'),
        // Quick presence rounds, so that a killed gateway's registration would lapse within the test's 30 s.
        PRESENCE_EXPIRY_SECONDS: '10',
        PRESENCE_REFRESH_SECONDS: '2',
        GATEWAY_STATUS_REFRESH_SECONDS: '1',
      });
      // One after the other: the first adopts the host key file into the database, the others find it there.
      const started = await startNodeApp('ssh', env, { url: `http://127.0.0.1:${httpPort}/healthz` });
      gateways.push({ name, sshPort, httpPort, process: started });
    }
    balancer = await startBalancer(balancerPort, () =>
      gateways.filter((entry) => entry.process.child.exitCode === null && entry.process.child.signalCode === null).map((entry) => entry.httpPort),
    );

    const login = await fetch(`${apiUrls[0]}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'owner', password: 'owner-password-1' }),
    });
    token = ((await login.json()) as { token: string }).token;

    agent = await startNodeApp(
      'agent',
      {
        FLEETGATE_SERVER_ADDRESS: apiUrls[0],
        FLEETGATE_TENANT_ID: tenantId,
        FLEETGATE_PRIVATE_KEY: join(scratch, 'agent', 'agent.key'),
        FLEETGATE_PREFERRED_HOSTNAME: 'peer-pi',
        FLEETGATE_LOG_LEVEL: 'debug',
      },
      { pattern: /"event":"tunnel-up"/ },
    );
    const device = await eventually(async () => {
      const list = await api<Array<{ uid: string; name: string }>>(1, 'GET', '/api/devices?status=pending');
      return list.body.find((entry) => entry.name === 'peer-pi');
    }, 20_000, 'the device to register');
    deviceUid = device.uid;
    expect((await api(1, 'PATCH', `/api/devices/${deviceUid}/accept`)).status).toBe(200);
    const created = await api(0, 'POST', '/api/sshkeys/public-keys', {
      data: Buffer.from(readFileSync(`${key}.pub`, 'utf8').trim()).toString('base64'),
      filter: { hostname: '.*' },
      name: 'peering key',
      username: '.*',
    });
    expect(created.status).toBe(200);
    await eventually(async () => (await holderPid()) === gateway('A').process.child.pid, 20_000, 'the tunnel registered on gateway A');
  }, 180_000);

  afterAll(async () => {
    await agent?.stop('SIGTERM');
    await Promise.all([...gateways.map((entry) => entry.process.stop('SIGTERM')), ...apis.map((process) => process.stop('SIGTERM'))]);
    await new Promise((resolve) => (balancer ? balancer.close(resolve) : resolve(undefined)));
    await context?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it('reaches the agent tunnelled to gateway A with the real ssh through gateways B and C, its bytes never through A', async () => {
    expect(await metrics('A')).toMatchObject({ tunnels: 1 });
    expect(await metrics('B')).toMatchObject({ tunnels: 0 });
    for (const name of ['B', 'C']) {
      const result = await ssh(name, 'echo through-$(id -un); uname -s');
      expect({ name, status: result.status, stdout: result.stdout }).toEqual({ name, status: 0, stdout: `through-${USER}\nLinux\n` });
    }

    // While a session through B runs, B holds its stream and A none.
    const running = ssh('B', 'sleep 3; echo done');
    await eventually(async () => (await metrics('B')).streamsOpen === 1, 20_000, 'the stream held by B');
    expect((await metrics('A')).streamsOpen).toBe(0);
    expect((await running).stdout).toBe('done\n');
  }, 90_000);

  it('ends a session held by gateway B when it is closed through the other API replica', async () => {
    const running = ssh('B', 'sleep 60; echo not-reached');
    const live = await eventually(async () => {
      const list = await api<SessionJson[]>(0, 'GET', '/api/sessions?per_page=100');
      return list.body.find((session) => session.device_uid === deviceUid && session.active && session.authenticated);
    }, 20_000, 'the session to be authenticated');
    const started = Date.now();
    expect((await api(1, 'POST', `/api/sessions/${live.uid}/close`, { device: deviceUid })).status).toBe(200);
    const result = await running;
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.status).toBe(255);
    expect(result.stdout).not.toContain('not-reached');
    expect(result.stderr).toContain('Fleetgate: a member of the namespace closed this session.');
  }, 90_000);

  it('applies on gateway B an automatic block triggered on gateway A', async () => {
    await context.models.users.updateOne({ username: 'owner' }, { $set: { admin: true } });
    expect((await api(1, 'PATCH', '/admin/api/settings', { auto_block_max_auth_attempts: 3, auto_block_duration: 600 })).status).toBe(200);
    const passwordOptions = (port: number) => [
      '-p', String(port), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null',
      '-o', 'PreferredAuthentications=password', '-o', 'NumberOfPasswordPrompts=3', '-o', 'ConnectTimeout=20',
    ];
    const blockKey = `${context.redisPrefix}:gateway-auto-block:${encodeURIComponent('127.0.0.1')}`;
    // Every gateway heard of the new settings (pub/sub) before the attempts; retried until A counts them.
    await eventually(async () => {
      const wrong = await ssh('A', 'true', passwordOptions(gateway('A').sshPort), askpassEnvironment(scratch, 'not-the-password', childEnvironment()));
      expect(wrong.status).toBe(255);
      return Number(await context.redis.hget(blockKey, 'blocked_until')) > Date.now();
    }, 30_000, 'gateway A to block the address');

    const blocked = await ssh('B', 'echo in');
    expect(blocked.status).toBe(255);
    expect(blocked.stdout).toBe('');
    expect(blocked.stderr).toMatch(/Connection (closed|reset)|kex_exchange_identification/);

    // Lifted by hand, so that the next test may connect from this address again.
    await context.redis.del(blockKey);
    expect((await ssh('B', 'echo in-again')).stdout).toBe('in-again\n');
  }, 90_000);

  it('after gateway A is killed, reaches the agent through another gateway within 30 s and moves its registration', async () => {
    const a = gateway('A');
    const pidA = a.process.child.pid;
    expect(await holderPid()).toBe(pidA);
    const killedAt = Date.now();
    await a.process.stop('SIGKILL');

    await eventually(async () => {
      const result = await ssh('B', 'echo back');
      return result.status === 0 && result.stdout === 'back\n';
    }, 30_000, 'the device reachable through B');
    // The new holder writes its registration in its next presence flush, which may come just after the first session.
    const successors = [gateway('B').process.child.pid, gateway('C').process.child.pid];
    await eventually(async () => {
      const holder = await holderPid();
      return holder !== null && successors.includes(holder);
    }, Math.max(0, 30_000 - (Date.now() - killedAt)), 'the registration to move');
    expect(Date.now() - killedAt).toBeLessThan(30_000);
    expect((await ssh('C', 'echo also-c')).stdout).toBe('also-c\n');
  }, 60_000);
});
