import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordingChunkDocument, SessionDocument } from '@fleetgate/data-access';
import {
  type AppProcess,
  childEnvironment,
  createTestContext,
  freePort,
  serverEnvironment,
  startTestSmtpServer,
  type TestContext,
  type TestSmtpServer,
} from '@fleetgate/testing';
import { root, startNodeApp } from './apps';
import { SimulatedFleet, spreadOf } from './support/fleet';
import { ensureLocalUser, runningAsRoot } from './support/local-user';
import { clientOptions, generateClientKey, runAsync } from './support/openssh';
import { databaseServerCommand, type OwnServer, ownDatabaseServer, ownRedis } from './support/own-services';
import { eventually } from './support/platform';
import { withTimeout } from './support/tunnel-path';

const USER = 'fgtest';
const PASSWORD = 'device-password-42';
const haveServers = runningAsRoot && databaseServerCommand() !== null && spawnSync('sh', ['-c', 'command -v redis-server']).status === 0;
const describeWithServers = haveServers ? describe : describe.skip;
if (!haveServers) console.warn('faults e2e skipped: it needs root, redis-server and FerretDB (scripts/services.sh builds it) or mongod');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const FLEET_SIZE = 12;

type Phase = 'baseline' | 'redis-restart' | 'database-restart' | 'gateway-kill' | 'worker-kill' | 'api-kill' | 'after';

interface SshRun {
  token: string;
  phase: Phase;
  status: number | null;
  stdout: string;
  stderr: string;
}
interface ApiCall {
  phase: Phase;
  /** When the request started and ended (epoch ms). */
  from: number;
  to: number;
  /** The HTTP status, or what the client saw instead: `refused` (nothing listening), `timeout`, or an error name. */
  outcome: number | string;
  body?: string;
  ms: number;
}
interface Invite {
  phase: Phase;
  from: number;
  to: number;
  email: string;
  outcome: number | string;
}

/**
 * Faults during traffic (issue 15, item 4): the api, the gateway, the worker and a device's agent as real processes
 * on a Redis and a database server of this test's own, with SSH sessions (recorded), API calls and e-mail jobs
 * running the whole time. Redis and the database server are restarted; the gateway, the worker and the api are
 * killed with SIGKILL and started again, as a supervisor would. Clients must see clear errors while a part is down
 * (a 503 that says what is missing, a refused connection, an ssh error message; never a 500 or a hang), everything
 * must recover by itself, agents must come back spread out in time, and no session record, recording frame or
 * e-mail may be lost or duplicated.
 */
describeWithServers('faults during traffic: Redis, the database server, the gateway, the worker and the api', () => {
  let scratch: string;
  let redis: OwnServer;
  let database: OwnServer;
  let context: TestContext;
  let smtp: TestSmtpServer;
  let api: AppProcess;
  let gateway: AppProcess;
  let worker: AppProcess;
  let agent: AppProcess;
  let fleet: SimulatedFleet;
  let tenantId: string;
  let token: string;
  let key: string;
  let apiUrl: string;
  const environments: Record<'api' | 'ssh' | 'worker', Record<string, string>> = { api: {}, ssh: {}, worker: {} };
  const ports = { api: 0, ssh: 0, tunnel: 0, worker: 0 };

  const startApi = () => startNodeApp('api', environments.api, { url: `${apiUrl}/healthcheck` });
  const startGateway = () => startNodeApp('ssh', environments.ssh, { url: `http://127.0.0.1:${ports.tunnel}/healthz` });
  const startWorker = () => startNodeApp('worker', environments.worker, { url: `http://127.0.0.1:${ports.worker}/healthz` });

  beforeAll(async () => {
    const setupStarted = Date.now();
    scratch = await mkdtemp(join(tmpdir(), 'fleetgate-faults-'));
    redis = await ownRedis(join(scratch, 'redis'));
    database = await ownDatabaseServer(join(scratch, 'database'));
    await Promise.all([redis.start(), database.start()]);
    context = await createTestContext(__filename, { mongoUrl: database.url, redisUrl: redis.url });
    // This test's own client sees Redis go away too; it reconnects by itself.
    context.redis.on('error', () => undefined);
    smtp = await startTestSmtpServer();
    ensureLocalUser(USER, PASSWORD);
    [ports.api, ports.ssh, ports.tunnel, ports.worker] = [await freePort(), await freePort(), await freePort(), await freePort()];
    apiUrl = `http://127.0.0.1:${ports.api}`;
    // Sessions of a dead gateway count as gone after 10 s (production: 90), so the test sees the worker close them.
    const shared = { PLATFORM_KEY_DIR: join(scratch, 'keys'), LOG_LEVEL: 'info', SESSION_EXPIRY_SECONDS: '10' };
    environments.api = serverEnvironment(context, {
      ...shared,
      API_PORT: String(ports.api),
      PUBLIC_API_ENDPOINT: `127.0.0.1:${ports.api}`,
      PUBLIC_SSH_ENDPOINT: `127.0.0.1:${ports.ssh}`,
      PUBLIC_TUNNEL_URL: `ws://127.0.0.1:${ports.tunnel}`,
    }) as Record<string, string>;
    environments.ssh = serverEnvironment(context, {
      ...shared,
      SSH_PORT: String(ports.ssh),
      SSH_HTTP_PORT: String(ports.tunnel),
      SSH_HOST_KEY_DIR: join(scratch, 'hostkeys'),
      SESSION_KEEPALIVE_SECONDS: '2',
      TUNNEL_PING_SECONDS: '2',
      RECORDING_BATCH_MS: '100',
    }) as Record<string, string>;
    environments.worker = serverEnvironment(context, {
      ...shared,
      WORKER_HEALTH_PORT: String(ports.worker),
      SMTP_HOST: smtp.host,
      SMTP_PORT: String(smtp.port),
    }) as Record<string, string>;

    const seeded = spawnSync(
      process.execPath,
      [join(root, 'dist/apps/api/apps/api/src/cli.js'), 'seed', '--username', 'owner', '--password', 'owner-password-1', '--email', 'owner@example.test', '--namespace', 'faulty'],
      { env: { PATH: '/usr/bin:/bin', ...environments.api }, encoding: 'utf8', cwd: root },
    );
    if (seeded.status !== 0) throw new Error(`seed failed: ${seeded.stderr}${seeded.stdout}`);
    const last = JSON.parse(seeded.stdout.trim().split('\n').pop() ?? '{}') as { tenant_id?: string; tenantId?: string };
    tenantId = String(last.tenant_id ?? last.tenantId);
    // Every session of this namespace is recorded, so that recording frames can be counted.
    await context.models.namespaces.updateOne({ tenant_id: tenantId }, { $set: { 'settings.session_record': true } });

    [api, gateway, worker] = await Promise.all([startApi(), startGateway(), startWorker()]);
    const login = await fetch(`${apiUrl}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'owner', password: 'owner-password-1' }),
    });
    const userToken = ((await login.json()) as { token: string }).token;
    const scoped = await fetch(`${apiUrl}/api/auth/token/${tenantId}`, { headers: { authorization: `Bearer ${userToken}` } });
    token = ((await scoped.json()) as { token: string }).token;

    agent = await startNodeApp(
      'agent',
      {
        FLEETGATE_SERVER_ADDRESS: apiUrl,
        FLEETGATE_TENANT_ID: tenantId,
        FLEETGATE_PRIVATE_KEY: join(scratch, 'agent', 'agent.key'),
        FLEETGATE_PREFERRED_HOSTNAME: 'faulty-pi',
        FLEETGATE_LOG_LEVEL: 'info',
      },
      { pattern: /"event":"tunnel-up"/ },
    );
    const device = await eventually(async () => {
      const list = (await call('GET', '/api/devices?status=pending')).body as Array<{ uid: string; name: string }> | null;
      return list?.find((entry) => entry.name === 'faulty-pi');
    }, 20_000, 'the device to register');
    expect((await call('PATCH', `/api/devices/${device.uid}/accept`)).status).toBe(200);
    key = generateClientKey(join(scratch, 'id_ed25519'));
    const created = await call('POST', '/api/sshkeys/public-keys', {
      data: Buffer.from(readFileSync(`${key}.pub`, 'utf8').trim()).toString('base64'),
      filter: { hostname: '.*' },
      name: 'faults',
      username: '.*',
    });
    expect(created.status).toBe(200);
    await eventually(async () => ((await call('GET', `/api/devices/${device.uid}`)).body as { online?: boolean } | null)?.online, 20_000, 'the device online');

    // More devices running the real agent code (registration, backoff with jitter, tunnel client) in this process.
    fleet = await SimulatedFleet.arrange(context.connection, { tenantId, count: FLEET_SIZE, scratch });
    await fleet.start({ apiUrl, tenantId, wave: FLEET_SIZE });
    await eventually(async () => fleet.counts.tunnelUp >= FLEET_SIZE, 30_000, 'the simulated fleet online');
    console.log(`faults setup: ${Date.now() - setupStarted} ms`);
  }, 180_000);

  afterAll(async () => {
    await fleet?.stop();
    await Promise.all([agent?.stop('SIGTERM'), api?.stop('SIGTERM'), gateway?.stop('SIGTERM'), worker?.stop('SIGTERM')]);
    await smtp?.close();
    await context?.close();
    await Promise.all([redis?.stop(), database?.stop()]);
    await rm(scratch, { recursive: true, force: true });
  });

  async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(20_000),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON: kept as text for the failure message.
    }
    return { status: response.status, body: parsed };
  }

  /** What a client saw of a request: its status, or the kind of failure. */
  async function attempt(method: string, path: string, body?: unknown): Promise<{ outcome: number | string; body?: string; ms: number }> {
    const started = Date.now();
    try {
      const answer = await call(method, path, body);
      return { outcome: answer.status, body: answer.status >= 400 ? JSON.stringify(answer.body).slice(0, 300) : undefined, ms: Date.now() - started };
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      const name = (error as Error).name;
      const outcome = cause === 'ECONNREFUSED' ? 'refused' : name === 'TimeoutError' ? 'timeout' : (cause ?? name);
      return { outcome, ms: Date.now() - started };
    }
  }

  it('keeps serving, says clearly what is down, and loses or duplicates nothing', async () => {
    let phase: Phase = 'baseline';
    let running = true;
    const sshRuns: SshRun[] = [];
    const apiCalls: ApiCall[] = [];
    const invites: Invite[] = [];
    let sequence = 0;
    const target = `${USER}@faulty.faulty-pi@127.0.0.1`;

    const sshLoop = async () => {
      while (running) {
        const started = phase;
        const name = `tok${++sequence}x`;
        const result = await withTimeout(
          // With a terminal (-tt): what has one is recorded (commands without one carry data, not a screen).
          runAsync('ssh', [...clientOptions(ports.ssh, key), '-tt', target, `echo ${name}-begin; sleep 1; echo ${name}-end`], { env: childEnvironment() }),
          60_000,
          `ssh ${name}`,
        ).catch((error: Error) => ({ status: null, stdout: '', stderr: error.message }));
        sshRuns.push({ token: name, phase: started, ...result });
        if (result.status !== 0) await sleep(300);
      }
    };
    const apiLoop = async () => {
      while (running) {
        const started = phase;
        const from = Date.now();
        apiCalls.push({ phase: started, from, ...(await attempt('GET', '/api/devices?per_page=5')), to: Date.now() });
        await sleep(150);
      }
    };
    const mailLoop = async () => {
      let index = 0;
      while (running) {
        const started = phase;
        const email = `invitee-${++index}@example.test`;
        const from = Date.now();
        const { outcome } = await attempt('POST', `/api/namespaces/${tenantId}/members`, { email, role: 'observer' });
        invites.push({ phase: started, email, outcome, from, to: Date.now() });
        await sleep(400);
      }
    };
    const traffic = [sshLoop(), sshLoop(), apiLoop(), mailLoop()];

    const reconnects: Record<string, unknown> = {};
    const timings: Record<string, number> = {};
    const apiDown = { from: Infinity, to: 0 };
    const testStarted = Date.now();
    const during = async (next: Phase, fault: () => Promise<void>) => {
      phase = next;
      const started = Date.now();
      await fault();
      timings[next] = Date.now() - started;
      console.log(`faults: ${next} took ${timings[next]} ms`);
    };

    await sleep(3_000);
    await during('redis-restart', async () => {
      await redis.stop();
      await sleep(3_000);
      await redis.start();
      await sleep(4_000);
    });
    await during('database-restart', async () => {
      await database.stop();
      // Longer than the driver's 5 s server selection: requests meet the outage, not only a delay.
      await sleep(8_000);
      await database.start();
      await sleep(5_000);
    });
    await during('gateway-kill', async () => {
      const fleetUpBefore = fleet.counts.tunnelUp;
      const agentUpBefore = (agent.output().match(/"event":"tunnel-up"/g) ?? []).length;
      const killedAt = Date.now();
      await gateway.stop('SIGKILL');
      await sleep(1_000);
      gateway = await startGateway();
      const readyAt = Date.now();
      await eventually(async () => fleet.counts.tunnelUp >= fleetUpBefore + FLEET_SIZE, 45_000, 'the fleet back after the gateway restart');
      await eventually(async () => (agent.output().match(/"event":"tunnel-up"/g) ?? []).length > agentUpBefore, 45_000, 'the agent back');
      const delays = fleet.tunnelUpTimes.filter((at) => at >= killedAt).map((at) => at - readyAt);
      reconnects['fleet'] = { devices: delays.length, afterGatewayReady: spreadOf(delays), spreadMs: Math.max(...delays) - Math.min(...delays) };
      // Full jitter: the devices did not all come back in one burst.
      expect(Math.max(...delays) - Math.min(...delays)).toBeGreaterThan(1_000);
      await sleep(2_000);
    });
    await during('worker-kill', async () => {
      await worker.stop('SIGKILL');
      await sleep(2_000);
      worker = await startWorker();
      await sleep(3_000);
    });
    await during('api-kill', async () => {
      apiDown.from = Date.now();
      await api.stop('SIGKILL');
      await sleep(2_000);
      api = await startApi();
      apiDown.to = Date.now();
      await sleep(3_000);
    });
    phase = 'after';
    await sleep(4_000);
    running = false;
    await Promise.all(traffic);

    // Every part is up and was never restarted by hand beyond the supervisor's restart of what was killed.
    for (const app of [api, gateway, worker, agent]) expect({ app: app.name, exit: app.child.exitCode }).toEqual({ app: app.name, exit: null });

    // API: clear answers only. While a store is down a 503 that names it; while the api is down, a refused
    // connection; never a 500 and never a hang; and all is well before and after.
    // While the api is down a client's connection is refused, or reset when the request was in flight: as clear.
    const sawApiDown = (entry: { outcome: number | string; from: number; to: number }) =>
      ['refused', 'ECONNRESET', 'UND_ERR_SOCKET'].includes(String(entry.outcome)) && entry.to >= apiDown.from && entry.from <= apiDown.to;
    const unclear = apiCalls.filter((entry) => !(entry.outcome === 200 || entry.outcome === 503 || sawApiDown(entry)));
    expect(unclear).toEqual([]);
    for (const quiet of ['baseline', 'after'] as const) {
      expect(apiCalls.filter((entry) => entry.phase === quiet && entry.outcome !== 200)).toEqual([]);
    }
    const unavailable = apiCalls.filter((entry) => entry.outcome === 503);
    for (const entry of unavailable) expect(entry.body).toMatch(/(database|Redis) is unavailable/);

    // SSH: every session before and after the faults worked; a failed one told the person why.
    for (const quiet of ['baseline', 'after'] as const) {
      expect(sshRuns.filter((run) => run.phase === quiet && run.status !== 0).map((run) => `${run.token}: ${run.stderr}`)).toEqual([]);
    }
    for (const run of sshRuns.filter((entry) => entry.status !== 0)) expect(run.stderr.trim()).not.toBe('');
    const succeeded = sshRuns.filter((run) => run.status === 0);
    for (const run of succeeded) expect(run.stdout.replace(/\r/g, '')).toBe(`${run.token}-begin\n${run.token}-end\n`);

    // E-mails: every invitation the api accepted arrives exactly once; none arrives twice.
    timings['traffic'] = Date.now() - testStarted;
    const accepted = invites.filter((invite) => invite.outcome === 200);
    await eventually(async () => accepted.every((invite) => smtp.received.some((email) => email.to.includes(invite.email))), 90_000, 'every accepted invitation e-mailed');
    await sleep(2_000);
    const deliveries = new Map<string, number>();
    for (const email of smtp.received) for (const to of email.to) deliveries.set(to, (deliveries.get(to) ?? 0) + 1);
    expect([...deliveries.entries()].filter(([, count]) => count > 1)).toEqual([]);
    const refused = invites.filter((invite) => invite.outcome !== 200);
    expect(refused.filter((invite) => invite.outcome !== 503 && !sawApiDown(invite))).toEqual([]);

    // Session records and recordings: every session that ran has exactly one record, closed, and its recording
    // holds its output exactly once, in chunks numbered without gap or repeat and ending with the last one.
    timings['emails'] = Date.now() - testStarted;
    console.log(`faults: e-mails checked at ${timings['emails']} ms`);
    const sessions = () => context.models.sessions.find({ tenant_id: tenantId }).lean<SessionDocument[]>();
    await eventually(async () => (await sessions()).every((record) => !record.active || !record.authenticated), 60_000, 'every session record closed');
    const records = await sessions();
    expect(new Set(records.map((record) => record.uid)).size).toBe(records.length);
    const chunksOf = async () => context.models.recordingChunks.find({ tenant_id: tenantId }).sort({ session_uid: 1, seq: 1 }).lean<RecordingChunkDocument[]>();
    const recordedOutput = (chunks: RecordingChunkDocument[]) => {
      const bySession = new Map<string, RecordingChunkDocument[]>();
      for (const chunk of chunks) bySession.set(chunk.session_uid, [...(bySession.get(chunk.session_uid) ?? []), chunk]);
      return bySession;
    };
    const textOf = (chunks: RecordingChunkDocument[]) =>
      Buffer.concat(chunks.flatMap((chunk) => chunk.frames.filter((frame) => frame.k === 'o').map((frame) => Buffer.from(frame.d, 'base64')))).toString();
    await eventually(async () => {
      const bySession = recordedOutput(await chunksOf());
      return succeeded.every((run) => [...bySession.values()].some((chunks) => chunks.some((chunk) => chunk.last) && textOf(chunks).includes(`${run.token}-end`)));
    }, 60_000, 'the recording of every session that ran').catch(() => undefined);
    console.log(`faults: recordings complete at ${Date.now() - testStarted} ms`);
    const bySession = recordedOutput(await chunksOf());
    const problems: string[] = [];
    for (const run of succeeded) {
      const holders = [...bySession.entries()].filter(([, chunks]) => textOf(chunks).includes(`${run.token}-end`));
      if (holders.length !== 1) {
        const partial = [...bySession.entries()].filter(([, chunks]) => textOf(chunks).includes(`${run.token}-begin`));
        problems.push(
          `${run.token} (${run.phase}): recorded in ${holders.length} sessions; begun in ${partial.length}: ` +
            JSON.stringify(partial.map(([uid, chunks]) => ({ uid: uid.slice(0, 8), seqs: chunks.map((chunk) => chunk.seq), last: chunks.some((chunk) => chunk.last), text: textOf(chunks) }))),
        );
        continue;
      }
      const [uid, chunks] = holders[0] as [string, RecordingChunkDocument[]];
      const text = textOf(chunks);
      // Exactly the bytes the client received: nothing lost, nothing twice.
      if (text !== run.stdout) problems.push(`${run.token} (${run.phase}): recorded ${JSON.stringify(text)}, received ${JSON.stringify(run.stdout)}`);
      const seqs = chunks.map((chunk) => chunk.seq);
      if (seqs.some((seq, index) => seq !== index)) problems.push(`${run.token} (${run.phase}): chunks ${seqs.join(',')}`);
      if (!chunks[chunks.length - 1]?.last) problems.push(`${run.token} (${run.phase}): no last chunk`);
      const ownRecords = records.filter((record) => record.uid === uid);
      if (ownRecords.length !== 1 || !ownRecords[0]?.authenticated || ownRecords[0]?.active) {
        problems.push(`${run.token} (${run.phase}): ${ownRecords.length} records ${JSON.stringify(ownRecords.map((record) => ({ active: record.active, authenticated: record.authenticated })))}`);
      }
    }
    expect(problems).toEqual([]);

    const count = <T extends { phase: Phase }>(entries: T[], ok: (entry: T) => boolean) =>
      Object.fromEntries(
        (['baseline', 'redis-restart', 'database-restart', 'gateway-kill', 'worker-kill', 'api-kill', 'after'] as const).map((name) => {
          const inPhase = entries.filter((entry) => entry.phase === name);
          return [name, `${inPhase.filter(ok).length}/${inPhase.length}`];
        }),
      );
    console.log(
      `faults figures: ${JSON.stringify({
        ssh: { succeededByPhase: count(sshRuns, (run) => run.status === 0), failureMessages: [...new Set(sshRuns.filter((run) => run.status !== 0).map((run) => run.stderr.trim().split('\n').pop()))] },
        api: { okByPhase: count(apiCalls, (entry) => entry.outcome === 200), outcomes: [...new Set(apiCalls.map((entry) => entry.outcome))], slowestMs: Math.max(...apiCalls.map((entry) => entry.ms)) },
        email: { invitations: invites.length, accepted: accepted.length, delivered: deliveries.size, duplicates: 0 },
        sessions: { records: records.length, succeededRuns: succeeded.length, recordedSessions: bySession.size, chunks: [...bySession.values()].reduce((sum, chunks) => sum + chunks.length, 0) },
        reconnects,
        timings: { ...timings, total: Date.now() - testStarted },
      })}`,
    );
  }, 420_000);
});
