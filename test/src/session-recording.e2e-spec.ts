import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import * as pty from 'node-pty';
import { QueueName } from '@fleetgate/contracts';
import {
  NamespacesRepository,
  RecordingChunksRepository,
  RecordingSignaturesRepository,
  SessionsRepository,
} from '@fleetgate/data-access';
import { createLogger } from '@fleetgate/logging';
import { createQueueWorker, createRedisConnection, QueueProducer } from '@fleetgate/queue';
import {
  DatabaseRecordingStore,
  GatewayRecorderFactory,
  queueChunkSink,
  type RecorderSettings,
  RecordingIngestService,
  RecordingPlaybackService,
} from '@fleetgate/recordings';
import { type AppProcess, childEnvironment, createTestContext, freePort, serverEnvironment, type TestContext } from '@fleetgate/testing';
import { startNodeApp } from './apps';
import { ensureLocalUser, runningAsRoot } from './support/local-user';
import { clientOptions, generateClientKey, runAsync } from './support/openssh';
import { eventually } from './support/platform';
import { TunnelPath, withTimeout } from './support/tunnel-path';

const USER = 'fgtest';
const PASSWORD = 'device-password-42';
const describeAsRoot = runningAsRoot ? describe : describe.skip;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));


const platformKeys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const recorderSettings: RecorderSettings = {
  batchFrames: 256,
  batchBytes: 64 * 1024,
  batchMs: 100,
  maxPendingBytes: 256 * 1024,
  stallMs: 30_000,
  signingIntervalMs: 1_000,
};

/**
 * Recording on the whole path (issue 9): the gateway session and the agent in process (`TunnelPath`), the real
 * OpenSSH client, chunks through BullMQ on Redis to a worker (in process, or the built worker as a real process)
 * into the real database, read back by the API's playback service.
 */
describeAsRoot('session recording, end to end', () => {
  let context: TestContext;
  let scratch: string;
  let key: string;
  let path: TunnelPath | undefined;
  let playback: RecordingPlaybackService;
  let ingestion: RecordingIngestService;
  const closers: Array<() => Promise<unknown> | unknown> = [];

  const logger = createLogger({ service: 'recording-e2e', level: 'silent' });

  /** The gateway path with a recorder that queues on `redis` under `prefix`. */
  async function startPath(redis: Redis, prefix: string, settings: Partial<RecorderSettings> = {}): Promise<TunnelPath> {
    const producer = new QueueProducer(redis, prefix);
    closers.push(() => producer.close());
    const recorders = new GatewayRecorderFactory(
      new NamespacesRepository(context.models.namespaces),
      queueChunkSink(producer),
      platformKeys.privateKey,
      { ...recorderSettings, ...settings },
      logger,
    );
    path = new TunnelPath(context, { recorders });
    await path.start();
    await path.services.publicKeys.create(path.scope, {
      data: Buffer.from(readFileSync(`${key}.pub`, 'utf8')).toString('base64'),
      filter: { hostname: '.*' },
      name: 'person',
      username: '.*',
    });
    return path;
  }

  function inProcessWorker(redis: Redis, prefix: string): Worker {
    const worker = createQueueWorker(QueueName.Recordings, (job) => ingestion.ingest(job.data as never), {
      connection: redis,
      prefix,
      concurrency: 2,
    });
    closers.push(() => worker.close());
    return worker;
  }

  const target = (current: TunnelPath) => `${USER}@${current.namespace.name}.${current.device.name}@127.0.0.1`;
  const sessionOf = async (current: TunnelPath) =>
    eventually(async () => (await context.models.recordingChunks.distinct('session_uid', { tenant_id: current.tenantId }))[0] as string | undefined, 30_000, 'a first chunk');
  const lastChunkStored = (uid: string, timeoutMs = 60_000) =>
    eventually(() => context.models.recordingChunks.exists({ session_uid: uid, last: true }), timeoutMs, 'the last chunk');
  const recordedOutput = async (current: TunnelPath, uid: string) => {
    const bytes: Buffer[] = [];
    for await (const chunk of context.models.recordingChunks.find({ session_uid: uid, tenant_id: current.tenantId }).sort({ seq: 1 }).lean()) {
      for (const frame of chunk.frames) if (frame.k === 'o') bytes.push(Buffer.from(frame.d, 'base64'));
    }
    return Buffer.concat(bytes);
  };

  beforeAll(async () => {
    context = await createTestContext(__filename);
    scratch = await mkdtemp(join(tmpdir(), 'fleetgate-recording-e2e-'));
    ensureLocalUser(USER, PASSWORD);
    key = generateClientKey(join(scratch, 'id_ed25519'));
    const { models } = context;
    const store = new DatabaseRecordingStore(new RecordingChunksRepository(models.recordingChunks), new RecordingSignaturesRepository(models.recordingSignatures));
    const sessions = new SessionsRepository(models.sessions);
    ingestion = new RecordingIngestService(store, sessions);
    playback = new RecordingPlaybackService(store, sessions, { publicKeyPem: platformKeys.publicKey });
  });
  afterEach(async () => {
    await path?.stop();
    path = undefined;
    for (const close of closers.splice(0).reverse()) await Promise.resolve(close()).catch(() => undefined);
  });
  afterAll(async () => {
    await context?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it('replays exactly the bytes an `ssh -tt` client received, with its sizes, as frames and as an asciicast file', async () => {
    const current = await startPath(context.redis, context.redisPrefix);
    inProcessWorker(context.redis, context.redisPrefix);
    const terminal = pty.spawn('ssh', [...clientOptions(current.sshPort, key), '-q', '-tt', target(current)], {
      cols: 100,
      rows: 40,
      env: childEnvironment({ TERM: 'xterm' }) as Record<string, string>,
    });
    let screen = '';
    terminal.onData((data) => (screen += data));
    const exited = new Promise<void>((resolve) => terminal.onExit(() => resolve()));
    // Typed before ssh puts the local terminal in raw mode, a command would be echoed locally too, and those bytes
    // never crossed the gateway: wait for the device's prompt first.
    await eventually(async () => /\$ $/.test(screen), 20_000, 'the prompt');
    terminal.write('stty size; echo FIRST-DONE\r');
    await eventually(async () => /40 100[\s\S]*FIRST-DONE/.test(screen), 20_000, 'the first stty size');
    terminal.resize(120, 50);
    await sleep(300);
    terminal.write('stty size; printf "caf\\303\\251 \\342\\202\\254\\n"; echo RESIZED\r');
    await eventually(async () => /50 120[\s\S]*RESIZED/.test(screen), 20_000, 'the resized stty size');
    terminal.write('exit\r');
    await withTimeout(exited, 20_000, 'ssh to exit');

    const uid = await sessionOf(current);
    await lastChunkStored(uid);
    // node-pty hands over text; the recording keeps bytes: compare both as UTF-8 text of the same bytes.
    expect((await recordedOutput(current, uid)).toString('utf8')).toBe(screen);

    const played = await playback.play(current.scope, uid);
    expect(played.map((frame) => frame.message).join('')).toBe(screen);
    expect(played[0]).toMatchObject({ width: 100, height: 40 });
    expect(played.at(-1)).toMatchObject({ width: 120, height: 50 });

    const lines: string[] = [];
    for await (const line of await playback.asciicast(current.scope, uid)) lines.push(line);
    const [header, ...events] = lines.join('').trimEnd().split('\n').map((line) => JSON.parse(line) as unknown);
    expect(header).toMatchObject({ version: 2, width: 100, height: 40 });
    const typed = events as Array<[number, string, string]>;
    expect(typed.every(([time, code, data]) => typeof time === 'number' && ['o', 'i', 'r'].includes(code) && typeof data === 'string')).toBe(true);
    expect(typed.filter(([, code]) => code === 'o').map(([, , data]) => data).join('')).toBe(screen);
    expect(typed).toContainEqual([expect.any(Number), 'r', '120x50']);
    // Input is not recorded unless the namespace asks for it.
    expect(typed.some(([, code]) => code === 'i')).toBe(false);
    await expect(playback.verify(current.scope, uid)).resolves.toMatchObject({ status: 'intact' });
  });

  it('stores no frames for a namespace that does not record', async () => {
    const current = await startPath(context.redis, context.redisPrefix);
    inProcessWorker(context.redis, context.redisPrefix);
    await context.models.namespaces.updateOne({ tenant_id: current.tenantId }, { $set: { 'settings.session_record': false } }).exec();
    const result = await withTimeout(runAsync('ssh', [...clientOptions(current.sshPort, key), '-tt', target(current), 'echo not recorded']), 60_000, 'ssh');
    expect(result).toMatchObject({ status: 0, stdout: 'not recorded\r\n' });
    await sleep(1_000);
    expect(await context.models.recordingChunks.countDocuments({ tenant_id: current.tenantId })).toBe(0);
  });

  it('stores every frame exactly once when the worker is killed (SIGKILL) in the middle of a busy session and started again', async () => {
    const current = await startPath(context.redis, context.redisPrefix);
    const workerEnvironment = async () =>
      serverEnvironment(context, {
        WORKER_HEALTH_PORT: String(await freePort()),
        ORPHAN_SWEEP_SECONDS: '3600',
        RECORDING_RETENTION_SWEEP_SECONDS: '3600',
        LOG_LEVEL: 'info',
      });
    let worker: AppProcess = await startNodeApp('worker', await workerEnvironment(), { pattern: /worker ready/ });
    closers.push(() => worker.stop('SIGKILL'));
    const command = 'for i in $(seq 1 30); do head -c 60000 /dev/urandom | base64 -w 100; sleep 0.1; done';
    const session = runAsync('ssh', [...clientOptions(current.sshPort, key), '-q', '-tt', target(current), command]);
    const uid = await sessionOf(current);
    await worker.stop('SIGKILL');
    await sleep(1_000);
    worker = await startNodeApp('worker', await workerEnvironment(), { pattern: /worker ready/ });
    const result = await withTimeout(session, 60_000, 'the busy session');
    expect(result.status).toBe(0);
    // Jobs the killed worker held come back after BullMQ's lock expires and its stall check runs (about a minute).
    await lastChunkStored(uid, 150_000);
    const last = await context.models.recordingChunks.findOne({ session_uid: uid, last: true }).lean();
    await eventually(
      async () => (await context.models.recordingChunks.countDocuments({ session_uid: uid })) === (last?.seq ?? -2) + 1,
      150_000,
      'the chunks the killed worker held',
    );
    const chunks = await context.models.recordingChunks.find({ session_uid: uid }).sort({ seq: 1 }).select({ seq: 1 }).lean();
    expect(chunks.map((chunk) => chunk.seq)).toEqual(chunks.map((_chunk, index) => index));
    expect((await recordedOutput(current, uid)).toString('utf8')).toBe(result.stdout);
    await expect(playback.verify(current.scope, uid)).resolves.toMatchObject({ status: 'intact' });
  }, 330_000);

  it('loses nothing when Redis stops for a few seconds mid-session: the output waits, then goes on', async () => {
    const port = await freePort();
    const redisDirectory = await mkdtemp(join(scratch, 'redis-'));
    const startRedis = async (): Promise<ChildProcess> => {
      const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', redisDirectory, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''], { stdio: 'ignore' });
      const probe = createRedisConnection(`redis://127.0.0.1:${port}`, 'probe');
      await withTimeout(probe.ping(), 10_000, 'our own redis-server');
      probe.disconnect();
      return server;
    };
    let redisServer = await startRedis();
    closers.push(() => redisServer.kill('SIGKILL'));
    const redis = createRedisConnection(`redis://127.0.0.1:${port}`, 'recording-outage');
    closers.push(() => redis.disconnect());
    const prefix = `${context.redisPrefix}:outage`;
    const current = await startPath(redis, prefix, { maxPendingBytes: 128 * 1024, stallMs: 30_000 });
    inProcessWorker(redis, prefix);

    const received: Buffer[] = [];
    const client = spawn('ssh', [...clientOptions(current.sshPort, key), '-q', '-tt', target(current), 'for i in $(seq 1 60); do seq $((i*1000)) $((i*1000+2000)); sleep 0.1; done'], {
      env: childEnvironment(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    client.stdout!.on('data', (chunk: Buffer) => received.push(chunk));
    const exited = new Promise<number | null>((resolve) => client.on('close', (status) => resolve(status)));
    const uid = await sessionOf(current);

    const stopped = new Promise((resolve) => redisServer.once('exit', resolve));
    redisServer.kill('SIGTERM');
    await stopped;
    await sleep(1_000);
    const receivedDuringOutage = () => received.reduce((total, chunk) => total + chunk.length, 0);
    const before = receivedDuringOutage();
    await sleep(3_000);
    // Backpressure: once the bound of bytes not yet in Redis is reached, the device is paused and output stops.
    expect(receivedDuringOutage() - before).toBeLessThanOrEqual(128 * 1024 + 64 * 1024);
    redisServer = await startRedis();
    expect(await withTimeout(exited, 90_000, 'the session to finish after the outage')).toBe(0);

    await lastChunkStored(uid, 60_000);
    expect((await recordedOutput(current, uid)).equals(Buffer.concat(received))).toBe(true);
    await expect(playback.verify(current.scope, uid)).resolves.toMatchObject({ status: 'intact' });
  }, 180_000);
});
