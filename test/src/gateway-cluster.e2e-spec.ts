import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AppProcess, createTestContext, type TestContext } from '@fleetgate/testing';
import { ensureLocalUser, runningAsRoot } from './support/local-user';
import { clientOptions, generateClientKey, runAsync } from './support/openssh';
import { eventually, type Platform, startAgent, startPlatform } from './support/platform';

const USER = 'fgtest';
const describeAsRoot = runningAsRoot ? describe : describe.skip;
if (!runningAsRoot) {
  console.warn('gateway-cluster e2e skipped: creating a local test user and switching to it needs root');
}

/**
 * Issue 13, item 2: the gateway as two processes of Node's cluster module sharing the SSH and HTTP ports
 * (`SSH_PROCESSES=2`; docs/adr/0011-gateway-processes.md). The agent's tunnel lands on one worker, people's
 * connections on both in turn: those on the other worker are peered, and every one works.
 */
describeAsRoot('the gateway as several processes on shared ports, end to end with OpenSSH', () => {
  let context: TestContext;
  let scratch: string;
  let platform: Platform;
  let agent: AppProcess;
  let key: string;
  let deviceUid: string;

  beforeAll(async () => {
    context = await createTestContext(__filename);
    scratch = await mkdtemp(join(tmpdir(), 'fleetgate-gateway-cluster-'));
    ensureLocalUser(USER, 'device-password-42');
    platform = await startPlatform(context, scratch, 'acme', { SSH_PROCESSES: '2', TUNNEL_PICKUP_HOST: '127.0.0.1' });
    agent = await startAgent(platform, { keyPath: join(scratch, 'agent', 'agent.key'), hostname: 'cluster-pi' });
    const device = await eventually(async () => {
      const list = await platform.api<Array<{ uid: string; name: string }>>('GET', '/api/devices?status=pending');
      return list.body.find((entry) => entry.name === 'cluster-pi');
    }, 20_000, 'the device to register');
    deviceUid = device.uid;
    expect((await platform.api('PATCH', `/api/devices/${deviceUid}/accept`)).status).toBe(200);
    key = generateClientKey(join(scratch, 'id_ed25519'));
    const created = await platform.api('POST', '/api/sshkeys/public-keys', {
      data: Buffer.from(readFileSync(`${key}.pub`, 'utf8').trim()).toString('base64'),
      filter: { hostname: '.*' },
      name: 'cluster key',
      username: '.*',
    });
    expect(created.status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await agent?.stop('SIGTERM');
    await platform?.stop();
    await context?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it('serves every login whichever worker takes it, peering those the tunnel’s worker does not hold', async () => {
    const holder = await eventually(
      () => context.redis.hget(`${context.redisPrefix}:presence:holder:${platform.tenantId}`, deviceUid),
      20_000,
      'the tunnel registered',
    );
    // A worker holds it, not the primary, which serves nothing itself.
    expect(Number(holder.split(':').at(-2))).not.toBe(platform.gateway.child.pid);

    for (let attempt = 0; attempt < 6; attempt++) {
      const result = await runAsync('ssh', [...clientOptions(platform.sshPort, key), `${USER}@acme.cluster-pi@127.0.0.1`, `echo login-${attempt}`]);
      expect({ attempt, status: result.status, stdout: result.stdout }).toEqual({ attempt, status: 0, stdout: `login-${attempt}\n` });
    }
    const records = await context.models.sessions.find({ device_uid: deviceUid }).lean();
    const servedBy = new Set(records.map((record) => record.gateway_id));
    // Round-robin over two workers: both served logins, so some went through the worker without the tunnel.
    expect(servedBy.size).toBe(2);
    expect(servedBy).toContain(holder);
  }, 120_000);
});
