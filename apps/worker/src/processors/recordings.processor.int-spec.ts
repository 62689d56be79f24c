import type { INestApplicationContext } from '@nestjs/common';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { Job } from 'bullmq';
import { loadWorkerConfig } from '@fleetgate/config';
import { type IngestRecordingChunkPayload, QueueName, RecordingJobName } from '@fleetgate/contracts';
import { tenantScope } from '@fleetgate/data-access';
import { createLogger } from '@fleetgate/logging';
import { QueueProducer } from '@fleetgate/queue';
import { type ChunkSink, ingestJobId, queueChunkSink, SessionRecording } from '@fleetgate/recordings';
import { createTestContext, persist, serverEnvironment, type TestContext } from '@fleetgate/testing';
import { createWorkerApplication } from '../bootstrap';

const keys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

describe('the recordings queue (worker in process, real database and Redis)', () => {
  let context: TestContext;
  let app: INestApplicationContext;

  const queue = () => app.get(QueueProducer).queueFor(QueueName.Recordings);
  const finished = async (jobId: string) => {
    for (let waited = 0; waited < 15_000; waited += 50) {
      const state = await queue().getJobState(jobId);
      if (state === 'failed') return { state, job: (await queue().getJob(jobId)) as Job };
      // Completed ingest jobs leave Redis at once: "unknown" after having been seen is completion.
      if (state === 'completed' || state === 'unknown') return { state, job: undefined };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`job ${jobId} did not finish`);
  };

  /** A recording's chunks as a gateway would enqueue them. */
  async function chunksOf(tenantId: string, outputs: string[]): Promise<IngestRecordingChunkPayload[]> {
    const chunks: IngestRecordingChunkPayload[] = [];
    const sink: ChunkSink = { enqueue: async (chunk) => void chunks.push(chunk) };
    const recording = new SessionRecording(
      { sessionUid: randomBytes(32).toString('hex'), scope: tenantScope(tenantId), fail: () => undefined },
      false,
      sink,
      keys.privateKey,
      { batchFrames: 2, batchBytes: 65_536, batchMs: 1_000, maxPendingBytes: 1 << 20, stallMs: 10_000, signingIntervalMs: 30_000 },
      createLogger({ service: 'recordings-processor-spec', level: 'silent' }),
      Date.now,
    );
    const channel = recording.channel('shell', null)!;
    for (const output of outputs) channel.output(Buffer.from(output));
    recording.close();
    await recording.finished;
    return chunks;
  }

  beforeAll(async () => {
    context = await createTestContext(__filename);
    app = await createWorkerApplication(
      loadWorkerConfig(
        serverEnvironment(context, { WORKER_HEALTH_PORT: '0', ORPHAN_SWEEP_SECONDS: '3600', RECORDING_RETENTION_SWEEP_SECONDS: '3600' }),
      ),
    );
  });
  afterAll(async () => {
    await app?.close();
    await context.close();
  });

  it('stores chunks enqueued under deterministic ids once, however often the gateway enqueues them', async () => {
    const { tenant_id: tenantId } = await persist.namespace(context.connection);
    const chunks = await chunksOf(tenantId, ['one', 'two', 'three', 'four', 'five']);
    const sink = queueChunkSink(app.get(QueueProducer));
    for (const chunk of chunks) await sink.enqueue(chunk);
    for (const chunk of chunks) await sink.enqueue(chunk);
    for (const chunk of chunks) expect((await finished(ingestJobId(chunk.sessionUid, chunk.seq))).state).not.toBe('failed');
    // A job added again after its first run completed runs again, and stores nothing.
    for (const chunk of chunks) await sink.enqueue(chunk);
    for (const chunk of chunks) expect((await finished(ingestJobId(chunk.sessionUid, chunk.seq))).state).not.toBe('failed');

    const sessionUid = chunks[0]!.sessionUid;
    for (let waited = 0; waited < 10_000; waited += 50) {
      if ((await context.models.recordingChunks.countDocuments({ session_uid: sessionUid })) === chunks.length) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const stored = await context.models.recordingChunks.find({ session_uid: sessionUid }).sort({ seq: 1 }).lean();
    expect(stored.map((chunk) => chunk.seq)).toEqual(chunks.map((chunk) => chunk.seq));
    expect(stored.flatMap((chunk) => chunk.frames.map((frame) => Buffer.from(frame.d, 'base64').toString()))).toEqual([
      'one',
      'two',
      'three',
      'four',
      'five',
    ]);
  });

  it('fails a chunk that can never be stored at once, with the reason, without retrying', async () => {
    const { tenant_id: tenantId } = await persist.namespace(context.connection);
    const [chunk] = await chunksOf(tenantId, ['genuine']);
    const forged = { ...chunk!, frames: [[Date.now(), 'o', Buffer.from('forged').toString('base64')]] } as IngestRecordingChunkPayload;
    const jobId = ingestJobId(forged.sessionUid, forged.seq);
    await app.get(QueueProducer).enqueue(QueueName.Recordings, RecordingJobName.IngestChunk, forged, { jobId, attempts: 5 });
    const { state, job } = await finished(jobId);
    expect(state).toBe('failed');
    expect(job?.attemptsMade).toBe(1);
    expect(job?.failedReason).toMatch(/does not hash to the hash it carries/);
    expect(await context.models.recordingChunks.countDocuments({ session_uid: forged.sessionUid })).toBe(0);
  });
});
