import { randomBytes } from 'node:crypto';
import { TerminalTicketRepository } from '@fleetgate/queue';
import { createTestContext, persist, type RunningHttpApp, type TestContext } from '@fleetgate/testing';
import { startApi } from '../../testing/api-environment';
import { readJson } from '../../testing/http';
import { newMember, newOwner, type TestMember } from '../../testing/members';

interface TicketJson {
  ticket: string;
  expires_in: number;
  path: string;
}

describe('POST /api/devices/{uid}/terminal: web terminal tickets', () => {
  let context: TestContext;
  let api: RunningHttpApp;
  let owner: TestMember;
  let tickets: TerminalTicketRepository;

  const ask = (headers: Record<string, string>, uid: string) =>
    fetch(`${api.url}/api/devices/${uid}/terminal`, { method: 'POST', headers });

  beforeAll(async () => {
    context = await createTestContext(__filename);
    api = await startApi(context);
    owner = await newOwner(api);
    tickets = api.app.get(TerminalTicketRepository, { strict: false });
  });
  afterAll(async () => {
    await api?.close();
    await context.close();
  });

  it('gives a member a single-use ticket naming the namespace, the device, the person and their address', async () => {
    const device = await persist.device(context.connection, { tenant_id: owner.tenantId, status: 'accepted' });
    const observer = await newMember(api, owner.tenantId, 'observer');
    const response = await ask({ authorization: observer.authorization }, device.uid);
    expect(response.status).toBe(200);
    const body = await readJson<TicketJson>(response);
    expect(body).toEqual({ ticket: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), expires_in: 30, path: '/ws/terminal' });

    expect(await tickets.redeem(body.ticket)).toEqual({
      tenantId: owner.tenantId,
      deviceUid: device.uid,
      userId: observer.userId,
      clientAddress: expect.stringMatching(/127\.0\.0\.1$/),
    });
    expect(await tickets.redeem(body.ticket)).toBeNull();
  });

  it('answers 404 for another namespace’s device, and 400 for a malformed uid', async () => {
    const stranger = await newOwner(api);
    const theirs = await persist.device(context.connection, { tenant_id: stranger.tenantId, status: 'accepted' });
    const response = await ask({ authorization: owner.authorization }, theirs.uid);
    expect(response.status).toBe(404);
    expect(await response.text()).toMatch(/device not found/);

    const malformed = await ask({ authorization: owner.authorization }, 'not-a-uid');
    expect(malformed.status).toBe(400);
    expect(await malformed.text()).toMatch(/uid must be 64 lower-case hex digits/);
  });

  it('refuses callers without a user token, and API keys', async () => {
    const device = await persist.device(context.connection, { tenant_id: owner.tenantId, status: 'accepted' });
    expect((await ask({}, device.uid)).status).toBe(401);

    const created = await fetch(`${api.url}/api/namespaces/api-key`, {
      method: 'POST',
      headers: { authorization: owner.authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `key${randomBytes(3).toString('hex')}`, expires_at: 30, role: 'administrator' }),
    });
    expect(created.status).toBe(200);
    const { id } = await readJson<{ id: string }>(created);
    const withKey = await ask({ 'x-api-key': id }, device.uid);
    expect(withKey.status).toBe(403);
  });
});
