import { randomBytes } from 'node:crypto';
import type { DeviceDocument } from '@fleetgate/data-access';
import { createTestContext, persist, type RunningHttpApp, type TestContext } from '@fleetgate/testing';
import { startApi } from '../../testing/api-environment';
import { readJson } from '../../testing/http';
import { newOwner, type TestMember } from '../../testing/members';

const INTERNAL_TOKEN = randomBytes(24).toString('hex');
const service = { 'x-internal-token': INTERNAL_TOKEN };

describe('POST /api/sessions/{uid}/record (a reported session’s recording)', () => {
  let context: TestContext;
  let api: RunningHttpApp;
  let owner: TestMember;
  let device: DeviceDocument;

  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${api.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const asMember = (member: TestMember, path: string) => fetch(`${api.url}${path}`, { headers: { authorization: member.authorization } });
  const record = (uid: string, message: string, width = 80, height = 24, headers = service) =>
    call('POST', `/api/sessions/${uid}/record`, { uid, message, width, height }, headers);
  /** A session as a gateway of ShellHub's kind reports it, through the contract's internal route. */
  async function reported(deviceUid = device.uid): Promise<string> {
    const uid = randomBytes(32).toString('hex');
    const created = await call('POST', '/api/sessions', { uid, device_uid: deviceUid, username: 'root', ip_address: '192.0.2.7' }, service);
    expect(created.status).toBe(200);
    return uid;
  }
  const setRecording = (tenantId: string, on: boolean) =>
    context.models.namespaces.updateOne({ tenant_id: tenantId }, { $set: { 'settings.session_record': on } }).exec();

  beforeAll(async () => {
    context = await createTestContext(__filename);
    api = await startApi(context, { INTERNAL_API_TOKEN: INTERNAL_TOKEN });
    owner = await newOwner(api);
    await setRecording(owner.tenantId, true);
    device = await persist.device(context.connection, { tenant_id: owner.tenantId, status: 'accepted' });
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await context.close();
  });

  it('chains and signs each frame, and plays them back with their sizes', async () => {
    const uid = await reported();
    expect(await readJson(await record(uid, '$ echo hé\r\n', 100, 30))).toEqual({ recorded: true, seq: 0, message: 'recorded' });
    expect(await readJson(await record(uid, 'hé\r\n', 100, 30))).toMatchObject({ recorded: true, seq: 1 });
    expect(await readJson(await record(uid, '$ ', 120, 40))).toMatchObject({ recorded: true, seq: 2 });

    const chunks = await context.models.recordingChunks.find({ session_uid: uid }).sort({ seq: 1 }).lean();
    // A size frame only where the size changed.
    expect(chunks.map((chunk) => chunk.frames.map((frame) => frame.k).join(''))).toEqual(['ro', 'o', 'ro']);
    expect(chunks.every((chunk) => chunk.tenant_id === owner.tenantId && !chunk.last)).toBe(true);

    const frames = await readJson<Array<{ message: string; width: number; height: number }>>(await asMember(owner, `/api/sessions/${uid}/play`));
    expect(frames.map(({ message, width, height }) => [message, width, height])).toEqual([
      ['$ echo hé\r\n', 100, 30],
      ['hé\r\n', 100, 30],
      ['$ ', 120, 40],
    ]);
    const session = await readJson<{ recorded: boolean }>(await asMember(owner, `/api/sessions/${uid}`));
    expect(session.recorded).toBe(true);

    // Every chunk matches its chain and is signed; the contract has no "recording ended" call, so never `intact`.
    expect(await readJson(await asMember(owner, `/api/sessions/${uid}/verify`))).toMatchObject({
      status: 'incomplete',
      chunks: 3,
      signed_through: 2,
    });
    // One changed byte in chunk 1's output.
    const altered = chunks[1].frames.map((frame) => ({ t: frame.t, k: frame.k, d: Buffer.from('hx\r\n').toString('base64') }));
    await context.models.recordingChunks.updateOne({ session_uid: uid, seq: 1 }, { $set: { frames: altered } }).exec();
    expect(await readJson(await asMember(owner, `/api/sessions/${uid}/verify`))).toMatchObject({ status: 'tampered', first_bad_chunk: 1 });
  });

  it('loses nothing and forks nothing when frames of one session arrive at once', async () => {
    const uid = await reported();
    const messages = Array.from({ length: 12 }, (_, index) => `line ${index}\r\n`);
    const answers = await Promise.all(messages.map((message) => record(uid, message)));
    expect(answers.map((answer) => answer.status)).toEqual(messages.map(() => 200));
    const chunks = await context.models.recordingChunks.find({ session_uid: uid }).sort({ seq: 1 }).lean();
    expect(chunks.map((chunk) => chunk.seq)).toEqual(messages.map((_, index) => index));
    const played = await readJson<Array<{ message: string }>>(await asMember(owner, `/api/sessions/${uid}/play`));
    expect(played.map((frame) => frame.message).sort()).toEqual([...messages].sort());
    expect(await readJson(await asMember(owner, `/api/sessions/${uid}/verify`))).toMatchObject({ status: 'incomplete', signed_through: 11 });
  });

  it('documents its body under a schema name of its own', async () => {
    // Two DTO classes of one name share one schema in the OpenAPI document: the users/security body was once lost so.
    const document = (await (await fetch(`${api.url}/api/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { $ref: string } }> } }>>;
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    };
    const bodyOf = (path: string, method: string) => {
      const reference = document.paths[path][method].requestBody?.content['application/json'].schema.$ref ?? '';
      return Object.keys(document.components.schemas[reference.replace('#/components/schemas/', '')].properties).sort();
    };
    expect(bodyOf('/api/sessions/{uid}/record', 'post')).toEqual(['height', 'message', 'uid', 'width']);
    expect(bodyOf('/api/users/security/{tenant}', 'put')).toEqual(['session_record']);
  });

  it('is served to a platform service only', async () => {
    const uid = await reported();
    expect((await record(uid, 'x', 80, 24, {} as typeof service)).status).toBe(401);
    const memberCall = await call('POST', `/api/sessions/${uid}/record`, { uid, message: 'x', width: 80, height: 24 }, { authorization: owner.authorization });
    expect(memberCall.status).toBe(401);
    expect((await record(uid, 'x', 80, 24, { 'x-internal-token': `${INTERNAL_TOKEN.slice(0, -1)}x` })).status).toBe(401);
    expect(await context.models.recordingChunks.countDocuments({ session_uid: uid })).toBe(0);
  });

  it('validates the body: the same session, a terminal size, text', async () => {
    const uid = await reported();
    const other = randomBytes(32).toString('hex');
    const refused = [
      { uid: other, message: 'x', width: 80, height: 24 },
      { uid, message: 'x', width: 0, height: 24 },
      { uid, message: 'x', width: 80.5, height: 24 },
      { uid, message: 42, width: 80, height: 24 },
      { uid, width: 80, height: 24 },
      { uid, message: 'x', width: 80, height: 24, namespace: 'extra' },
    ];
    for (const body of refused) {
      expect({ body, status: (await call('POST', `/api/sessions/${uid}/record`, body, service)).status }).toEqual({ body, status: 400 });
    }
    expect((await call('POST', '/api/sessions/not-a-uid/record', { uid, message: 'x', width: 80, height: 24 }, service)).status).toBe(400);
    expect(await context.models.recordingChunks.countDocuments({ session_uid: uid })).toBe(0);
  });

  it('answers 404 for an unknown session, and 409 for an ended one or one a Fleetgate gateway holds', async () => {
    expect((await record(randomBytes(32).toString('hex'), 'x')).status).toBe(404);

    const ended = await reported();
    await context.models.sessions.updateOne({ uid: ended }, { $set: { active: false, closed_at: new Date() } }).exec();
    expect((await record(ended, 'x')).status).toBe(409);

    const held = await persist.session(context.connection, { tenant_id: owner.tenantId, device_uid: device.uid, gateway_id: 'gateway-1' });
    expect((await record(held.uid, 'x')).status).toBe(409);
    expect(await context.models.recordingChunks.countDocuments({ session_uid: { $in: [ended, held.uid] } })).toBe(0);
  });

  it('stores nothing in a namespace that does not record, and keeps tenants apart', async () => {
    const other = await newOwner(api);
    await setRecording(other.tenantId, false);
    const theirDevice = await persist.device(context.connection, { tenant_id: other.tenantId, status: 'accepted' });
    const uid = await reported(theirDevice.uid);
    expect(await readJson(await record(uid, 'secret\r\n'))).toMatchObject({ recorded: false });
    expect(await context.models.recordingChunks.countDocuments({ session_uid: uid })).toBe(0);

    await setRecording(other.tenantId, true);
    expect(await readJson(await record(uid, 'kept\r\n'))).toMatchObject({ recorded: true, seq: 0 });
    expect((await context.models.recordingChunks.findOne({ session_uid: uid }).lean())?.tenant_id).toBe(other.tenantId);
    expect((await asMember(owner, `/api/sessions/${uid}/play`)).status).toBe(404);
    expect((await asMember(other, `/api/sessions/${uid}/play`)).status).toBe(200);
  });
});
