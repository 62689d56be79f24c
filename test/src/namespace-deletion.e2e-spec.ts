import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { bullQueueName, QueueName } from '@fleetgate/contracts';
import { type AppProcess, createTestContext, freePort, serverEnvironment, type TestContext } from '@fleetgate/testing';
import { startNodeApp } from './apps';
import { clientOptions, generateClientKey, runSsh } from './support/openssh';
import { ensureLocalUser, runningAsRoot } from './support/local-user';
import { eventually, type Platform, startAgent, startPlatform } from './support/platform';

const USER = 'fgtest';
const PASSWORD = 'device-password-42';
const describeAsRoot = runningAsRoot ? describe : describe.skip;

interface DeviceJson {
  uid: string;
  name: string;
  online: boolean;
}

/** Issue 8.1: a deleted namespace's devices are unreachable at once, and nothing of the tenant survives the sweep. */
describeAsRoot('deleting a namespace while its agent is connected (real processes, OpenSSH)', () => {
  let context: TestContext;
  let scratch: string;
  let platform: Platform;
  let agent: AppProcess;
  let worker: AppProcess | undefined;
  let key: string;

  beforeAll(async () => {
    context = await createTestContext(__filename);
    scratch = await mkdtemp(join(tmpdir(), 'fleetgate-namespace-deletion-'));
    ensureLocalUser(USER, PASSWORD);
    platform = await startPlatform(context, scratch, 'doomed');
    agent = await startAgent(platform, { keyPath: join(scratch, 'agent.key'), hostname: 'doomed-pi' });
    const device = await eventually(async () => {
      const list = await platform.api<DeviceJson[]>('GET', '/api/devices?status=pending');
      return list.body.find((entry) => entry.name === 'doomed-pi');
    }, 20_000, 'the device to register');
    expect((await platform.api('PATCH', `/api/devices/${device.uid}/accept`)).status).toBe(200);
    key = generateClientKey(join(scratch, 'id_ed25519'));
    const created = await platform.api('POST', '/api/sshkeys/public-keys', {
      data: Buffer.from(readFileSync(`${key}.pub`, 'utf8').trim()).toString('base64'),
      filter: { hostname: '.*' },
      name: 'e2e key',
      username: '.*',
    });
    expect(created.status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await worker?.stop('SIGTERM');
    await agent?.stop('SIGTERM');
    await platform?.stop();
    await context?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it('refuses the next ssh, closes the tunnel, and the sweep leaves no document of the tenant', async () => {
    const target = `${USER}@${platform.namespace}.doomed-pi@127.0.0.1`;
    const byUid = async () => {
      const devices = (await platform.api<DeviceJson[]>('GET', '/api/devices')).body;
      return `${USER}@${devices[0].uid}@127.0.0.1`;
    };
    const uidTarget = await byUid();
    expect(runSsh([...clientOptions(platform.sshPort, key), target, 'echo', 'before']).stdout).toBe('before\n');

    expect((await platform.api('DELETE', `/api/namespaces/${platform.tenantId}`)).status).toBe(200);

    // The gateway closes the agent's tunnel at once, with the reason.
    await eventually(async () => /tunnel closed \(4403 namespace deleted\)/.test(agent.output()), 5_000, 'the tunnel to close');
    const byName = runSsh([...clientOptions(platform.sshPort, key), target, 'echo', 'after'], { timeoutMs: 30_000 });
    expect(byName.status).not.toBe(0);
    expect(byName.stdout).toBe('');
    expect(byName.stderr).toMatch(/no namespace "doomed"/i);
    const uidAttempt = runSsh([...clientOptions(platform.sshPort, key), uidTarget, 'echo', 'after'], { timeoutMs: 30_000 });
    expect(uidAttempt.status).not.toBe(0);
    expect(uidAttempt.stdout).toBe('');

    // Whatever became of the deletion job (here: the queue lost it), the worker's sweep removes the rest.
    const cleanup = new Queue(bullQueueName(QueueName.Cleanup), { connection: context.redis, prefix: context.redisPrefix });
    await cleanup.obliterate({ force: true });
    await cleanup.close();
    const healthPort = await freePort();
    worker = await startNodeApp(
      'worker',
      serverEnvironment(context, { WORKER_HEALTH_PORT: String(healthPort), ORPHAN_SWEEP_SECONDS: '3600' }),
      { url: `http://127.0.0.1:${healthPort}/healthz` },
    );
    const database = context.connection.db;
    if (!database) throw new Error('no database handle');
    const leftoversOfTenant = async () => {
      const found: string[] = [];
      for (const collection of await database.collections()) {
        for (const document of await collection.find({}).toArray()) {
          if (JSON.stringify(document).includes(platform.tenantId)) found.push(`${collection.collectionName}: ${JSON.stringify(document)}`);
        }
      }
      return found;
    };
    // The worker's first sweep runs at its start.
    await eventually(async () => (await leftoversOfTenant()).length === 0, 30_000, 'the sweep to remove the tenant’s documents').catch(() => undefined);
    const leftovers = await leftoversOfTenant();
    expect(leftovers).toEqual([]);
  });
});
