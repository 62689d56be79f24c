import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import type { IngestRecordingChunkPayload } from '@fleetgate/contracts';
import {
  NamespacesRepository,
  RecordingChunksRepository,
  RecordingSignaturesRepository,
  SessionsRepository,
  tenantScope,
} from '@fleetgate/data-access';
import { createLogger } from '@fleetgate/logging';
import { createTestContext, persist, type TestContext } from '@fleetgate/testing';
import { InvalidRecordingChunkError, RecordingIngestService } from './recording-ingest.service';
import { RecordingPlaybackService } from './recording-playback.service';
import { RecordingRetentionService } from './recording-retention.service';
import { DatabaseRecordingStore } from './recording-store';
import { type ChunkSink, SessionRecording } from './session-recording';

const keys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const DAY_MS = 24 * 3600 * 1000;

describe('recordings on the real database', () => {
  let context: TestContext;
  let ingestion: RecordingIngestService;
  let playback: RecordingPlaybackService;
  let retention: RecordingRetentionService;
  let sessions: SessionsRepository;

  beforeAll(async () => {
    context = await createTestContext(__filename);
    const { models } = context;
    const store = new DatabaseRecordingStore(
      new RecordingChunksRepository(models.recordingChunks),
      new RecordingSignaturesRepository(models.recordingSignatures),
    );
    sessions = new SessionsRepository(models.sessions);
    ingestion = new RecordingIngestService(store, sessions);
    playback = new RecordingPlaybackService(store, sessions, { publicKeyPem: keys.publicKey });
    retention = new RecordingRetentionService(store, new NamespacesRepository(models.namespaces), sessions);
  });
  afterAll(() => context.close());

  /** Records a session as the gateway does and returns the chunks it would enqueue. */
  async function recordSession(tenantId: string, outputs: string[], startedAt = Date.now()): Promise<{ uid: string; chunks: IngestRecordingChunkPayload[] }> {
    const uid = randomBytes(32).toString('hex');
    const chunks: IngestRecordingChunkPayload[] = [];
    const sink: ChunkSink = { enqueue: async (chunk) => void chunks.push(chunk) };
    let clock = startedAt;
    const recording = new SessionRecording(
      { sessionUid: uid, scope: tenantScope(tenantId), fail: () => undefined },
      false,
      sink,
      keys.privateKey,
      { batchFrames: 2, batchBytes: 64 * 1024, batchMs: 1_000, maxPendingBytes: 1 << 20, stallMs: 10_000, signingIntervalMs: 30_000 },
      createLogger({ service: 'recordings-int-spec', level: 'silent' }),
      () => (clock += 10),
    );
    const channel = recording.channel('shell', { cols: 80, rows: 24 })!;
    outputs.forEach((output, index) => {
      channel.output(Buffer.from(output));
      if (index === 1) channel.resize(120, 40);
    });
    recording.close();
    await recording.finished;
    return { uid, chunks };
  }

  async function sessionRecord(tenantId: string, uid: string) {
    await context.models.sessions.create({
      uid,
      device_uid: 'f'.repeat(64),
      tenant_id: tenantId,
      username: 'root',
      ip_address: '127.0.0.1',
      started_at: new Date(),
      last_seen: new Date(),
      type: 'shell',
      term: 'xterm',
    });
  }

  it('stores every chunk once however often a job is delivered, marks the session recorded, and plays it back', async () => {
    const { tenant_id: tenantId } = await persist.namespace(context.connection);
    const { uid, chunks } = await recordSession(tenantId, ['$ ls\r\n', 'a  b\r\n', '$ exit\r\n']);
    await sessionRecord(tenantId, uid);
    for (const chunk of chunks) expect(await ingestion.ingest(chunk)).toMatchObject({ chunk: 'stored' });
    // Redelivery, as after a worker was killed mid-job, in another order.
    for (const chunk of [...chunks].reverse()) expect((await ingestion.ingest(chunk)).chunk).toBe('duplicate');

    expect(await context.models.recordingChunks.countDocuments({ session_uid: uid })).toBe(chunks.length);
    expect((await sessions.findByUid(tenantScope(tenantId), uid))?.recorded).toBe(true);
    const played = await playback.play(tenantScope(tenantId), uid);
    expect(played.map((frame) => frame.message).join('')).toBe('$ ls\r\na  b\r\n$ exit\r\n');
    expect(played.map((frame) => [frame.width, frame.height])).toEqual([
      [80, 24],
      [80, 24],
      [120, 40],
    ]);
    expect(played[0]).toMatchObject({ uid, tenant_id: tenantId });
    await expect(playback.verify(tenantScope(tenantId), uid)).resolves.toMatchObject({ status: 'intact', chunks: chunks.length });

    // Another tenant sees nothing of it.
    const stranger = tenantScope((await persist.namespace(context.connection)).tenant_id);
    await expect(playback.play(stranger, uid)).rejects.toMatchObject({ code: 'not_found' });
    await expect(playback.verify(stranger, uid)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('refuses, for good, a chunk whose content does not hash to the hash it carries', async () => {
    const { tenant_id: tenantId } = await persist.namespace(context.connection);
    const { chunks } = await recordSession(tenantId, ['x']);
    const forged = { ...chunks[0]!, frames: [[1, 'o', Buffer.from('y').toString('base64')]] as IngestRecordingChunkPayload['frames'] };
    await expect(ingestion.ingest(forged)).rejects.toBeInstanceOf(InvalidRecordingChunkError);
    await expect(ingestion.ingest({ ...chunks[0]!, sessionUid: 'nope' })).rejects.toBeInstanceOf(InvalidRecordingChunkError);
  });

  it('names the first bad chunk after a byte, a hash, then a whole chunk is changed in the database', async () => {
    const { tenant_id: tenantId } = await persist.namespace(context.connection);
    const scope = tenantScope(tenantId);
    const { uid, chunks } = await recordSession(tenantId, ['one\r\n', 'two\r\n', 'three\r\n', 'four\r\n', 'five\r\n', 'six\r\n']);
    for (const chunk of chunks) await ingestion.ingest(chunk);
    await expect(playback.verify(scope, uid)).resolves.toMatchObject({ status: 'intact' });
    const chunkDocuments = context.models.recordingChunks;

    // One byte of chunk 2.
    const original = await chunkDocuments.findOne({ session_uid: uid, seq: 2 }).lean().exec();
    const frames = original!.frames.map((frame) => ({ ...frame }));
    const bytes = Buffer.from(frames[0]!.d, 'base64');
    bytes[0] = bytes[0]! ^ 0x20;
    frames[0]!.d = bytes.toString('base64');
    await chunkDocuments.updateOne({ session_uid: uid, seq: 2 }, { $set: { frames } }).exec();
    await expect(playback.verify(scope, uid)).resolves.toMatchObject({ status: 'tampered', first_bad_chunk: 2 });
    await chunkDocuments.updateOne({ session_uid: uid, seq: 2 }, { $set: { frames: original!.frames } }).exec();
    await expect(playback.verify(scope, uid)).resolves.toMatchObject({ status: 'intact' });

    // The hash of chunk 1.
    await chunkDocuments.updateOne({ session_uid: uid, seq: 1 }, { $set: { hash: 'e'.repeat(64) } }).exec();
    await expect(playback.verify(scope, uid)).resolves.toMatchObject({ status: 'tampered', first_bad_chunk: 1 });
    await chunkDocuments.updateOne({ session_uid: uid, seq: 1 }, { $set: { hash: chunks[1]!.hash } }).exec();

    // Chunk 2, deleted.
    await chunkDocuments.deleteOne({ session_uid: uid, seq: 2 }).exec();
    await expect(playback.verify(scope, uid)).resolves.toMatchObject({ status: 'tampered', first_bad_chunk: 2, reason: 'chunk 2 is missing' });
  });

  it('deletes recordings past their retention, keeps newer ones, and lets a namespace’s own setting win', async () => {
    const now = Date.now();
    const global = await persist.namespace(context.connection);
    const shortLived = await persist.namespace(context.connection, { settings: { session_record: true, connection_announcement: '', session_record_retention_days: 2 } });
    const longLived = await persist.namespace(context.connection, { settings: { session_record: true, connection_announcement: '', session_record_retention_days: 400 } });
    const arrange = async (tenantId: string, ageDays: number) => {
      const { uid, chunks } = await recordSession(tenantId, ['a', 'b', 'c', 'd', 'e'], now - ageDays * DAY_MS);
      await sessionRecord(tenantId, uid);
      for (const chunk of chunks) await ingestion.ingest(chunk);
      return uid;
    };
    const globalOld = await arrange(global.tenant_id, 40);
    const globalNew = await arrange(global.tenant_id, 10);
    const shortOld = await arrange(shortLived.tenant_id, 3);
    const shortNew = await arrange(shortLived.tenant_id, 1);
    const longOld = await arrange(longLived.tenant_id, 300);

    const result = await retention.apply({ retentionDays: 30, batchSize: 2 }, now);
    expect(result.sessions).toBeGreaterThanOrEqual(2);
    const chunksOf = (uid: string) => context.models.recordingChunks.countDocuments({ session_uid: uid });
    const signaturesOf = (uid: string) => context.models.recordingSignatures.countDocuments({ session_uid: uid });
    expect(await chunksOf(globalOld)).toBe(0);
    expect(await signaturesOf(globalOld)).toBe(0);
    expect(await chunksOf(shortOld)).toBe(0);
    expect(await chunksOf(globalNew)).toBeGreaterThan(0);
    expect(await chunksOf(shortNew)).toBeGreaterThan(0);
    expect(await chunksOf(longOld)).toBeGreaterThan(0);
    expect((await sessions.findByUid(tenantScope(global.tenant_id), globalOld))?.recorded).toBe(false);
    expect((await sessions.findByUid(tenantScope(global.tenant_id), globalNew))?.recorded).toBe(true);
    await expect(playback.verify(tenantScope(longLived.tenant_id), longOld)).resolves.toMatchObject({ status: 'intact' });
  });

  it('answers 404 for a session it has never heard of', async () => {
    await expect(playback.asciicast(tenantScope(randomUUID()), 'a'.repeat(64))).rejects.toMatchObject({ code: 'not_found' });
  });
});
