import { generateKeyPairSync } from 'node:crypto';
import {
  NamespacesRepository,
  RecordingChunksRepository,
  RecordingSignaturesRepository,
  REPORTED_SESSION_GATEWAY_ID,
  SessionsRepository,
  tenantScope,
} from '@fleetgate/data-access';
import { createTestContext, persist, type TestContext } from '@fleetgate/testing';
import { RecordingIngestService } from './recording-ingest.service';
import { RecordingPlaybackService } from './recording-playback.service';
import { DatabaseRecordingStore } from './recording-store';
import { ReportedRecordingService } from './reported-recording.service';

const keys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

/**
 * Two API processes recording the same reported session: each has its own memory of the chain's head, so they
 * race for chunk numbers. The unique (session, seq) index must make the loser chain on the winner's chunk.
 */
describe('recording a reported session from two API processes', () => {
  let context: TestContext;
  let playback: RecordingPlaybackService;
  const processes: ReportedRecordingService[] = [];

  beforeAll(async () => {
    context = await createTestContext(__filename);
    const { models } = context;
    const newProcess = () => {
      const store = new DatabaseRecordingStore(
        new RecordingChunksRepository(models.recordingChunks),
        new RecordingSignaturesRepository(models.recordingSignatures),
      );
      const sessions = new SessionsRepository(models.sessions);
      return new ReportedRecordingService(
        sessions,
        new NamespacesRepository(models.namespaces),
        store,
        new RecordingIngestService(store, sessions),
        { privateKeyPem: keys.privateKey },
      );
    };
    processes.push(newProcess(), newProcess());
    const store = new DatabaseRecordingStore(
      new RecordingChunksRepository(models.recordingChunks),
      new RecordingSignaturesRepository(models.recordingSignatures),
    );
    playback = new RecordingPlaybackService(store, new SessionsRepository(models.sessions), { publicKeyPem: keys.publicKey });
  });
  afterAll(() => context.close());

  it('stores every frame once, in one unbroken signed chain, with the size changes of both', async () => {
    const namespace = await persist.namespace(context.connection);
    const device = await persist.device(context.connection, { tenant_id: namespace.tenant_id, status: 'accepted' });
    const session = await persist.session(context.connection, {
      tenant_id: namespace.tenant_id,
      device_uid: device.uid,
      gateway_id: REPORTED_SESSION_GATEWAY_ID,
    });
    const frames = Array.from({ length: 16 }, (_, index) => ({
      uid: session.uid,
      message: `frame ${index}\r\n`,
      width: index < 8 ? 80 : 100,
      height: 24,
    }));
    // Each process first learns the head, then both write at once, each from its own (soon stale) memory.
    await processes[0].append(session.uid, frames[0]);
    await processes[1].append(session.uid, frames[1]);
    const outcomes = await Promise.all(frames.slice(2).map((frame, index) => processes[index % 2].append(session.uid, frame)));
    expect(outcomes.every((outcome) => outcome.recorded)).toBe(true);

    const scope = tenantScope(namespace.tenant_id);
    const chunks = await context.models.recordingChunks.find({ session_uid: session.uid }).sort({ seq: 1 }).lean();
    expect(chunks.map((chunk) => chunk.seq)).toEqual(frames.map((_, index) => index));
    const played = await playback.play(scope, session.uid);
    expect(played.map((frame) => frame.message).sort()).toEqual(frames.map((frame) => frame.message).sort());
    // Every frame plays at the size it was sent with, whichever process wrote the size change.
    for (const frame of played) {
      const sent = frames.find((candidate) => candidate.message === frame.message);
      expect({ message: frame.message, width: frame.width }).toEqual({ message: sent?.message, width: sent?.width });
    }
    expect(await playback.verify(scope, session.uid)).toMatchObject({ status: 'incomplete', chunks: 16, signed_through: 15 });
  });
});
