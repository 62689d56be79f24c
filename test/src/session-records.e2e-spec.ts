import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DevicePresenceStore,
  DevicesRepository,
  NamespacesRepository,
  type SessionDocument,
} from '@fleetgate/data-access';
import { GeoLocator } from '@fleetgate/geoip';
import { SessionCloseChannel } from '@fleetgate/queue';
import { SessionsService } from '@fleetgate/sessions';
import { childEnvironment, createTestContext, type TestContext } from '@fleetgate/testing';
import { ensureLocalUser, runningAsRoot } from './support/local-user';
import { askpassEnvironment, clientOptions, generateClientKey, runAsync } from './support/openssh';
import { eventually } from './support/platform';
import { TunnelPath, withTimeout } from './support/tunnel-path';

const USER = 'fgtest';
const PASSWORD = 'device-password-42';
const describeAsRoot = runningAsRoot ? describe : describe.skip;

/**
 * Session records of real OpenSSH logins through the gateway (issue 9, items 1 and 2): the gateway's sessions and
 * tunnel endpoint, the agent's tunnel client and SSH server, in one process on the real database and Redis. The
 * API's close goes through the sessions library the API serves it with, over Redis pub/sub to the gateway.
 */
describeAsRoot('session records of real ssh logins', () => {
  let context: TestContext;
  let scratch: string;
  let path: TunnelPath;
  let key: string;
  let sessions: SessionsService;

  const login = () => `${USER}@${path.namespace.name}.${path.device.name}@127.0.0.1`;
  const ssh = (command: string, options: string[] = clientOptions(path.sshPort, key), env = childEnvironment()) =>
    withTimeout(runAsync('ssh', [...options, login(), command], { env }), 60_000, 'ssh');
  const recordsOfDevice = () =>
    context.models.sessions.find({ device_uid: path.device.uid }).sort({ started_at: 1 }).lean<SessionDocument[]>();

  beforeAll(async () => {
    context = await createTestContext(__filename);
    scratch = await mkdtemp(join(tmpdir(), 'fleetgate-session-records-'));
    ensureLocalUser(USER, PASSWORD);
    key = generateClientKey(join(scratch, 'id_ed25519'));
  });
  afterAll(async () => {
    await context?.close();
    await rm(scratch, { recursive: true, force: true });
  });
  beforeEach(async () => {
    path = new TunnelPath(context, { sessionKeepaliveSeconds: 1 });
    await path.start();
    await path.services.publicKeys.create(path.scope, {
      data: Buffer.from(readFileSync(`${key}.pub`, 'utf8')).toString('base64'),
      filter: { hostname: '.*' },
      name: 'person',
      username: '.*',
    });
    // What the API wires in SessionsModule, on the test context's Redis prefix, where the gateway listens for closes.
    sessions = new SessionsService(
      path.repositories.sessions,
      new DevicesRepository(context.models.devices),
      new NamespacesRepository(context.models.namespaces),
      new DevicePresenceStore(context.redis, context.redisPrefix),
      new SessionCloseChannel(context.redis, context.redisPrefix),
      GeoLocator.disabled(),
      { expirySeconds: 5 },
    );
  });
  afterEach(async () => {
    await path?.stop();
  });

  it('records a login: created with the device, authenticated, typed, kept alive, closed when the person leaves', async () => {
    const running = ssh('sleep 3; echo done');
    const live = await eventually(
      async () => (await recordsOfDevice()).find((record) => record.authenticated && record.type === 'exec'),
      20_000,
      'the session to be authenticated',
    );
    expect(live).toMatchObject({
      tenant_id: path.tenantId,
      username: USER,
      ip_address: '127.0.0.1',
      active: true,
      recorded: false,
      term: 'none',
      gateway_id: path.sessions.gatewayId,
      position: { latitude: 0, longitude: 0 },
      closed_at: null,
    });
    expect(live.uid).toMatch(/^[0-9a-f]{64}$/);
    expect(await sessions.activeCount(path.scope)).toBe(1);
    // The keepalive batch (every second here) moves last_seen while the person is connected.
    await eventually(
      async () => {
        const now = await context.models.sessions.findOne({ uid: live.uid }).lean<SessionDocument>();
        return now && now.last_seen.getTime() > live.last_seen.getTime();
      },
      10_000,
      'a keepalive',
    );

    const result = await running;
    expect({ status: result.status, stdout: result.stdout }).toEqual({ status: 0, stdout: 'done\n' });
    const closed = await eventually(
      async () => (await context.models.sessions.findOne({ uid: live.uid, active: false }).lean<SessionDocument>()) ?? false,
      10_000,
      'the session to close',
    );
    expect(closed.closed_at).toBeInstanceOf(Date);
    expect(closed.authenticated).toBe(true);
    expect(await sessions.activeCount(path.scope)).toBe(0);
    expect(await recordsOfDevice()).toHaveLength(1);
  });

  it('records a shell with its terminal type', async () => {
    const result = await withTimeout(
      runAsync('ssh', [...clientOptions(path.sshPort, key), '-tt', login()], { env: { ...childEnvironment(), TERM: 'xterm-256color' }, input: 'exit\n' }),
      60_000,
      'ssh -tt',
    );
    expect(result.status).toBe(0);
    const [record] = await eventually(async () => {
      const records = await recordsOfDevice();
      return records.length === 1 && !records[0].active && records;
    }, 10_000, 'the shell session to close');
    expect(record).toMatchObject({ type: 'shell', term: 'xterm-256color', authenticated: true });
  });

  it('records a failed login as an unauthenticated session', async () => {
    const passwordOnly = [
      '-p', String(path.sshPort), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null',
      '-o', 'PreferredAuthentications=password', '-o', 'NumberOfPasswordPrompts=1', '-o', 'ConnectTimeout=20',
    ];
    const failed = await ssh('true', passwordOnly, askpassEnvironment(scratch, 'not-the-password', childEnvironment()));
    expect(failed.status).toBe(255);
    const [record] = await eventually(async () => {
      const records = await recordsOfDevice();
      return records.length === 1 && !records[0].active && records;
    }, 10_000, 'the failed session to close');
    expect(record).toMatchObject({ username: USER, ip_address: '127.0.0.1', authenticated: false, type: 'none' });
  });

  it('ends the person’s ssh with a clear message when the session is closed through the API', async () => {
    const running = ssh('sleep 60; echo not-reached');
    const live = await eventually(
      async () => (await recordsOfDevice()).find((record) => record.authenticated && record.type === 'exec'),
      20_000,
      'the session to be authenticated',
    );
    const started = Date.now();
    await sessions.close(path.scope, live.uid, path.device.uid);
    const result = await running;
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.status).toBe(255);
    expect(result.stdout).not.toContain('not-reached');
    expect(result.stderr).toContain('Fleetgate: a member of the namespace closed this session.');
    expect(await context.models.sessions.findOne({ uid: live.uid }).lean()).toMatchObject({ active: false });
    // The device's side of the session went too.
    await eventually(async () => path.openAgentStreams() === 0, 10_000, 'the agent stream to close');
  });
});
