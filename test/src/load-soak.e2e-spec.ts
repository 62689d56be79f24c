import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readProcessEnvironment } from '@fleetgate/config';
import type { SessionDocument } from '@fleetgate/data-access';
import { type AppProcess, childEnvironment, createTestContext, type TestContext } from '@fleetgate/testing';
import { ensureLocalUser, runningAsRoot } from './support/local-user';
import { clientOptions, generateClientKey, runAsync } from './support/openssh';
import { eventually, type Platform, startAgent, startPlatform } from './support/platform';
import { KeystrokeProbe, MemorySampler } from './support/ssh-abuse';
import { withTimeout } from './support/tunnel-path';

const USER = 'fgtest';
const PASSWORD = 'device-password-42';
const describeAsRoot = runningAsRoot ? describe : describe.skip;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * How long the soak runs: 40 s in CI; `FLEETGATE_SOAK_SECONDS=1800 npx jest -c test/jest.config.cjs load-soak` on
 * demand, with `FLEETGATE_SOAK_SESSIONS` interactive sessions (default 8) held open the whole time.
 */
const environment = readProcessEnvironment();
const SOAK_SECONDS = Number(environment['FLEETGATE_SOAK_SECONDS'] ?? 40);
const HELD_SESSIONS = Number(environment['FLEETGATE_SOAK_SESSIONS'] ?? 8);
/** Resident memory the gateway, the api or the agent may gain between the first and the last quarter of the soak. */
const LEAK_BOUND_MIB = 48;

interface DeviceJson {
  uid: string;
  name: string;
  online: boolean;
}

/**
 * A soak (issue 15, item 5): the api, the gateway and an agent as real processes; people hold interactive OpenSSH
 * sessions and type in them the whole time, others open short sessions one after the other, and API clients call
 * the routes the console polls, while the resident memory of every process is sampled. No session may be dropped,
 * no keystroke lost, no record missing, and no process may keep growing.
 */
describeAsRoot('load soak: concurrent SSH sessions and API traffic, memory sampled', () => {
  let context: TestContext;
  let scratch: string;
  let platform: Platform;
  let agent: AppProcess;
  let key: string;
  let target: string;

  beforeAll(async () => {
    context = await createTestContext(__filename);
    scratch = await mkdtemp(join(tmpdir(), 'fleetgate-soak-'));
    ensureLocalUser(USER, PASSWORD);
    platform = await startPlatform(context, scratch, 'soak', { SESSION_KEEPALIVE_SECONDS: '2' });
    agent = await startAgent(platform, { keyPath: join(scratch, 'agent', 'agent.key'), hostname: 'soak-pi', env: { FLEETGATE_LOG_LEVEL: 'info' } });
    const device = await eventually(async () => {
      const list = await platform.api<DeviceJson[]>('GET', '/api/devices?status=pending');
      return list.body.find((entry) => entry.name === 'soak-pi');
    }, 20_000, 'the device to register');
    expect((await platform.api('PATCH', `/api/devices/${device.uid}/accept`)).status).toBe(200);
    key = generateClientKey(join(scratch, 'id_ed25519'));
    expect(
      (
        await platform.api('POST', '/api/sshkeys/public-keys', {
          data: Buffer.from(readFileSync(`${key}.pub`, 'utf8').trim()).toString('base64'),
          filter: { hostname: '.*' },
          name: 'soak',
          username: '.*',
        })
      ).status,
    ).toBe(200);
    target = `${USER}@soak.soak-pi@127.0.0.1`;
    await eventually(async () => (await platform.api<DeviceJson>('GET', `/api/devices/${device.uid}`)).body.online, 20_000, 'the device online');
  }, 120_000);

  afterAll(async () => {
    await agent?.stop('SIGTERM');
    await platform?.stop();
    await context?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it(`holds ${HELD_SESSIONS} typing sessions, short sessions and API traffic for ${SOAK_SECONDS} s without a drop or a leak`, async () => {
    const api = platform.processes.find((process) => process.name === 'api');
    const memory = new MemorySampler(
      { gateway: () => platform.gateway.child.pid, api: () => api?.child.pid, agent: () => agent.child.pid },
      500,
    );
    const held = Array.from(
      { length: HELD_SESSIONS },
      () => new KeystrokeProbe([...clientOptions(platform.sshPort, key), target], childEnvironment(), { intervalMs: 500, lostAfterMs: 15_000 }),
    );
    await Promise.all(held.map((probe) => probe.ready(60_000)));
    held.forEach((probe) => probe.start());

    let running = true;
    const shortRuns: Array<{ status: number | null; ok: boolean }> = [];
    const apiAnswers = new Map<number | string, number>();
    const shortSessions = async () => {
      let index = 0;
      while (running) {
        const token = `soak-${++index}-${Math.random().toString(16).slice(2, 8)}`;
        const result = await withTimeout(runAsync('ssh', [...clientOptions(platform.sshPort, key), target, `echo ${token}`], { env: childEnvironment() }), 60_000, 'a short session').catch(
          () => ({ status: null, stdout: '', stderr: 'timed out' }),
        );
        shortRuns.push({ status: result.status, ok: result.status === 0 && result.stdout === `${token}\n` });
      }
    };
    const apiClient = async (path: string) => {
      while (running) {
        let outcome: number | string;
        try {
          const response = await fetch(`${platform.apiUrl}${path}`, { headers: { authorization: `Bearer ${platform.token}` }, signal: AbortSignal.timeout(10_000) });
          await response.arrayBuffer();
          outcome = response.status;
        } catch (error) {
          outcome = (error as Error).name;
        }
        apiAnswers.set(outcome, (apiAnswers.get(outcome) ?? 0) + 1);
        await sleep(50);
      }
    };
    const load = [
      shortSessions(),
      shortSessions(),
      apiClient('/api/devices?per_page=20'),
      apiClient('/api/sessions?per_page=20'),
      apiClient('/api/stats'),
    ];
    await sleep(SOAK_SECONDS * 1000);
    running = false;
    await Promise.all(load);
    const typed = held.map((probe) => probe.figures());
    const failures = held.flatMap((probe) => probe.failures);
    await Promise.all(held.map((probe) => probe.stop()));
    memory.stop();

    // No session dropped, no keystroke lost, every short session worked and every API call answered 200.
    expect(failures).toEqual([]);
    expect(shortRuns.filter((run) => !run.ok)).toEqual([]);
    expect([...apiAnswers.keys()]).toEqual([200]);

    // Every session has its record, closed once the person left; and the gateway holds nothing afterwards.
    const metrics = async () =>
      (await (await fetch(`${platform.tunnelUrl.replace(/^ws/, 'http')}/metrics?format=json`)).json()) as { sessions: number; streamsOpen: number; pickupsWaiting: number };
    await eventually(async () => {
      const now = await metrics();
      return now.sessions === 0 && now.streamsOpen === 0 && now.pickupsWaiting === 0;
    }, 30_000, 'the gateway to hold no session');
    await eventually(
      async () => (await context.models.sessions.find({ tenant_id: platform.tenantId, authenticated: true }).lean<SessionDocument[]>()).every((record) => !record.active),
      30_000,
      'every session record closed',
    );
    const records = await context.models.sessions.countDocuments({ tenant_id: platform.tenantId, authenticated: true });
    if (records !== shortRuns.length + HELD_SESSIONS) {
      const unauthenticated = await context.models.sessions.find({ tenant_id: platform.tenantId, authenticated: false }).lean<SessionDocument[]>();
      const uids = unauthenticated.map((record) => record.uid);
      console.log(`unauthenticated records: ${JSON.stringify(unauthenticated.map((record) => ({ uid: record.uid.slice(0, 12), type: record.type, active: record.active, started: record.started_at, closed: record.closed_at })))}`);
      console.log(platform.gateway.output().split('\n').filter((line) => uids.some((uid) => line.includes(uid)) || /"level":(40|50)/.test(line)).slice(0, 60).join('\n'));
    }
    expect(records).toBe(shortRuns.length + HELD_SESSIONS);

    // No leak: the last quarter of the samples sits within a bound of the first quarter after warm-up.
    const growth: Record<string, number> = {};
    for (const name of ['gateway', 'api', 'agent']) {
      const samples = memory.samples.get(name) ?? [];
      const quarter = Math.max(1, Math.floor(samples.length / 4));
      const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length) / 1024 / 1024;
      growth[name] = Math.round((mean(samples.slice(-quarter)) - mean(samples.slice(quarter, 2 * quarter))) * 10) / 10;
    }
    console.log(
      `soak figures: ${JSON.stringify({
        seconds: SOAK_SECONDS,
        heldSessions: HELD_SESSIONS,
        keystrokes: typed.reduce((sum, figures) => sum + figures.keystrokes, 0),
        keystrokeP99Ms: Math.max(...typed.map((figures) => figures.p99)),
        shortSessions: shortRuns.length,
        apiCalls: [...apiAnswers.values()].reduce((sum, count) => sum + count, 0),
        records,
        memoryMiB: { gateway: memory.figures('gateway'), api: memory.figures('api'), agent: memory.figures('agent') },
        growthMiB: growth,
      })}`,
    );
    for (const name of ['gateway', 'api', 'agent']) expect({ name, growth: growth[name] }).toEqual({ name, growth: expect.any(Number) });
    for (const name of ['gateway', 'api', 'agent']) expect(growth[name]).toBeLessThan(LEAK_BOUND_MIB);
  }, 600_000 + SOAK_SECONDS * 1000);
});
