import { randomBytes } from 'node:crypto';
import { loadOrCreatePlatformKeys, type PlatformKeys } from '@fleetgate/auth';
import type { IngestRecordingChunkPayload } from '@fleetgate/contracts';
import {
  RecordingChunksRepository,
  RecordingSignaturesRepository,
  SessionsRepository,
  tenantScope,
} from '@fleetgate/data-access';
import { createLogger } from '@fleetgate/logging';
import {
  type ChunkSink,
  DatabaseRecordingStore,
  RecordingIngestService,
  SessionRecording,
  verifyRecordingBundle,
} from '@fleetgate/recordings';
import { createTestContext, type RunningHttpApp, type TestContext } from '@fleetgate/testing';
import { startApi, temporaryKeyDirectory } from '../../testing/api-environment';
import { newMember, newOwner, type TestMember } from '../../testing/members';

describe('recording playback routes', () => {
  let context: TestContext;
  let api: RunningHttpApp;
  let keys: PlatformKeys;
  let owner: TestMember;
  let observer: TestMember;
  let stranger: TestMember;
  let uid: string;
  const keyDirectory = temporaryKeyDirectory();

  const get = (member: TestMember | undefined, path: string) =>
    fetch(`${api.url}${path}`, { headers: member ? { authorization: member.authorization } : {} });

  /** Records `outputs` as the gateway would, signed with the API's platform key, and stores it as the worker does. */
  async function recorded(tenantId: string, outputs: string[]): Promise<string> {
    const sessionUid = randomBytes(32).toString('hex');
    const chunks: IngestRecordingChunkPayload[] = [];
    const sink: ChunkSink = { enqueue: async (chunk) => void chunks.push(chunk) };
    const recording = new SessionRecording(
      { sessionUid, scope: tenantScope(tenantId), fail: () => undefined },
      false,
      sink,
      keys.privateKeyPem,
      { batchFrames: 2, batchBytes: 65_536, batchMs: 1_000, maxPendingBytes: 1 << 20, stallMs: 10_000, signingIntervalMs: 30_000 },
      createLogger({ service: 'recordings-api-spec', level: 'silent' }),
      Date.now,
    );
    const channel = recording.channel('shell', { cols: 90, rows: 30 })!;
    for (const output of outputs) channel.output(Buffer.from(output));
    recording.close();
    await recording.finished;
    const ingestion = new RecordingIngestService(
      new DatabaseRecordingStore(api.app.get(RecordingChunksRepository), api.app.get(RecordingSignaturesRepository)),
      api.app.get(SessionsRepository),
    );
    for (const chunk of chunks) await ingestion.ingest(chunk);
    return sessionUid;
  }

  beforeAll(async () => {
    context = await createTestContext(__filename);
    keys = await loadOrCreatePlatformKeys(keyDirectory.path);
    api = await startApi(context, { PLATFORM_KEY_DIR: keyDirectory.path });
    owner = await newOwner(api);
    observer = await newMember(api, owner.tenantId, 'observer');
    stranger = await newOwner(api);
    uid = await recorded(owner.tenantId, ['$ echo hé\r\n', 'hé\r\n', '$ exit\r\n']);
  }, 90_000);
  afterAll(async () => {
    await api?.close();
    await context.close();
    keyDirectory.remove();
  });

  it('plays the frames back in the contract’s shape, to any member', async () => {
    const response = await get(observer, `/api/sessions/${uid}/play`);
    expect(response.status).toBe(200);
    const frames = (await response.json()) as Array<Record<string, unknown>>;
    expect(frames.map((frame) => frame['message']).join('')).toBe('$ echo hé\r\nhé\r\n$ exit\r\n');
    expect(frames[0]).toEqual({
      uid,
      message: '$ echo hé\r\n',
      tenant_id: owner.tenantId,
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      width: 90,
      height: 30,
    });
  });

  it('downloads an asciicast v2 file', async () => {
    const response = await get(owner, `/api/sessions/${uid}/asciicast`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/application\/x-asciicast/);
    expect(response.headers.get('content-disposition')).toContain(`${uid}.cast`);
    const [header, ...events] = (await response.text()).trimEnd().split('\n').map((line) => JSON.parse(line) as unknown);
    expect(header).toMatchObject({ version: 2, width: 90, height: 30 });
    expect((events as Array<[number, string, string]>).map(([, , data]) => data).join('')).toBe('$ echo hé\r\nhé\r\n$ exit\r\n');
  });

  it('verifies the recording, and the downloaded bundle verifies offline against the platform key', async () => {
    const verified = await get(observer, `/api/sessions/${uid}/verify`);
    expect(verified.status).toBe(200);
    expect(await verified.json()).toMatchObject({ status: 'intact', signed_through: expect.any(Number) });

    const bundle = await get(observer, `/api/sessions/${uid}/recording`);
    expect(bundle.status).toBe(200);
    const lines = (await bundle.text()).split('\n');
    await expect(verifyRecordingBundle(lines, keys.publicKeyPem)).resolves.toMatchObject({ session: uid, status: 'intact' });

    await context.models.recordingChunks.updateOne({ session_uid: uid, seq: 1 }, { $set: { hash: '0'.repeat(64) } }).exec();
    const tampered = await get(observer, `/api/sessions/${uid}/verify`);
    expect(await tampered.json()).toMatchObject({ status: 'tampered', first_bad_chunk: 1 });
  });

  it('answers 404 for another tenant’s session, 400 for a malformed uid, 401 without credentials', async () => {
    for (const view of ['play', 'asciicast', 'verify', 'recording']) {
      expect((await get(stranger, `/api/sessions/${uid}/${view}`)).status).toBe(404);
      expect((await get(owner, `/api/sessions/not-a-uid/${view}`)).status).toBe(400);
      expect((await get(undefined, `/api/sessions/${uid}/${view}`)).status).toBe(401);
    }
  });
});
