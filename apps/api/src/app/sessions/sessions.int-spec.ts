import { randomBytes } from 'node:crypto';
import { type PlatformKeys, signDeviceToken } from '@fleetgate/auth';
import { DevicePresenceStore, type DeviceDocument, type SessionDocument } from '@fleetgate/data-access';
import { PLATFORM_KEYS } from '@fleetgate/identity';
import { generateEd25519KeyPair } from '@fleetgate/public-keys';
import { SessionCloseChannel, type SessionCloseRequest } from '@fleetgate/queue';
import { createTestContext, persist, type RunningHttpApp, type TestContext } from '@fleetgate/testing';
import { startApi } from '../../testing/api-environment';
import { readJson } from '../../testing/http';
import { newMember, newOwner, type TestMember } from '../../testing/members';

const INTERNAL_TOKEN = randomBytes(24).toString('hex');
const EXPIRY_SECONDS = 60;

const filterOf = (items: unknown[]) => Buffer.from(JSON.stringify(items)).toString('base64');

describe('sessions through the API', () => {
  let context: TestContext;
  let api: RunningHttpApp;
  let owner: TestMember;
  let device: DeviceDocument;

  const call = (member: TestMember | null, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${api.url}${path}`, {
      method,
      headers: {
        ...(member ? { authorization: member.authorization } : {}),
        'content-type': 'application/json',
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const session = (overrides: Partial<SessionDocument> = {}, tenantId = owner.tenantId, deviceUid = device.uid) =>
    persist.session(context.connection, { tenant_id: tenantId, device_uid: deviceUid, ...overrides });
  const secondsAgo = (seconds: number) => new Date(Date.now() - seconds * 1000);

  beforeAll(async () => {
    context = await createTestContext(__filename);
    api = await startApi(context, { INTERNAL_API_TOKEN: INTERNAL_TOKEN, SESSION_EXPIRY_SECONDS: String(EXPIRY_SECONDS) });
    owner = await newOwner(api);
    device = await persist.device(context.connection, { tenant_id: owner.tenantId, status: 'accepted', name: 'kitchen-pi' });
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await context.close();
  });

  describe('GET /api/sessions', () => {
    let tenant: TestMember;
    let ofTenant: DeviceDocument;
    beforeAll(async () => {
      tenant = await newOwner(api);
      ofTenant = await persist.device(context.connection, { tenant_id: tenant.tenantId, status: 'accepted' });
      await session({ username: 'alice', started_at: secondsAgo(30), authenticated: true }, tenant.tenantId, ofTenant.uid);
      await session({ username: 'bob', started_at: secondsAgo(20), authenticated: false, active: false }, tenant.tenantId, ofTenant.uid);
      await session({ username: 'carol', started_at: secondsAgo(10), authenticated: true }, tenant.tenantId, ofTenant.uid);
    });

    it('lists newest first, pages with X-Total-Count and embeds the device', async () => {
      const response = await call(tenant, 'GET', '/api/sessions?page=1&per_page=2');
      expect(response.status).toBe(200);
      expect(response.headers.get('x-total-count')).toBe('3');
      const page = await readJson<Array<Record<string, unknown>>>(response);
      expect(page.map((item) => item['username'])).toEqual(['carol', 'bob']);
      expect(page[0]).toMatchObject({
        device_uid: ofTenant.uid,
        tenant_id: tenant.tenantId,
        active: true,
        authenticated: true,
        type: 'shell',
        term: 'xterm-256color',
        position: { latitude: 0, longitude: 0 },
      });
      expect((page[0]['device'] as Record<string, unknown>)['uid']).toBe(ofTenant.uid);
      const second = await readJson<Array<Record<string, unknown>>>(await call(tenant, 'GET', '/api/sessions?page=2&per_page=2'));
      expect(second.map((item) => item['username'])).toEqual(['alice']);
    });

    it('filters and sorts through the one list implementation', async () => {
      const failed = filterOf([{ type: 'property', params: { name: 'authenticated', operator: 'bool', value: false } }]);
      const response = await call(tenant, 'GET', `/api/sessions?filter=${encodeURIComponent(failed)}`);
      expect(response.headers.get('x-total-count')).toBe('1');
      expect((await readJson<Array<{ username: string }>>(response)).map((item) => item.username)).toEqual(['bob']);

      const byName = await readJson<Array<{ username: string }>>(
        await call(tenant, 'GET', '/api/sessions?sort_by=username&order_by=asc'),
      );
      expect(byName.map((item) => item.username)).toEqual(['alice', 'bob', 'carol']);
    });

    it('refuses an unknown filter property or sort field with a 400 naming it', async () => {
      const unknown = filterOf([{ type: 'property', params: { name: 'tenant_id', operator: 'eq', value: 'x' } }]);
      const filtered = await call(tenant, 'GET', `/api/sessions?filter=${encodeURIComponent(unknown)}`);
      expect(filtered.status).toBe(400);
      expect(await filtered.text()).toContain('tenant_id');
      expect((await call(tenant, 'GET', '/api/sessions?sort_by=password')).status).toBe(400);
    });

    it('shows only the caller’s namespace', async () => {
      const mine = await readJson<Array<{ tenant_id: string }>>(await call(owner, 'GET', '/api/sessions?per_page=100'));
      expect(mine.every((item) => item.tenant_id === owner.tenantId)).toBe(true);
    });
  });

  describe('GET /api/sessions/{uid}', () => {
    it('answers the session, and a session its gateway stopped keeping alive as inactive', async () => {
      const live = await session();
      const stale = await session({ last_seen: secondsAgo(EXPIRY_SECONDS + 5) });
      expect(await readJson(await call(owner, 'GET', `/api/sessions/${live.uid}`))).toMatchObject({ uid: live.uid, active: true });
      expect(await readJson(await call(owner, 'GET', `/api/sessions/${stale.uid}`))).toMatchObject({ uid: stale.uid, active: false });
    });

    it('answers 404 for another namespace’s session and 400 for a malformed uid', async () => {
      const other = await newOwner(api);
      const theirDevice = await persist.device(context.connection, { tenant_id: other.tenantId, status: 'accepted' });
      const theirs = await session({}, other.tenantId, theirDevice.uid);
      expect((await call(owner, 'GET', `/api/sessions/${theirs.uid}`)).status).toBe(404);
      expect((await call(owner, 'GET', '/api/sessions/not-a-uid')).status).toBe(400);
    });
  });

  describe('POST /api/sessions/{uid}/close', () => {
    let heard: SessionCloseRequest[];
    let stopListening: () => void;
    beforeAll(async () => {
      heard = [];
      stopListening = await new SessionCloseChannel(context.redis, context.redisPrefix).subscribe((request) => heard.push(request));
    });
    afterAll(() => stopListening());

    it('asks the gateway holding the session to end it, and closes the record', async () => {
      const live = await session({ gateway_id: 'gateway-7' });
      const response = await call(owner, 'POST', `/api/sessions/${live.uid}/close`, { device: device.uid });
      expect(response.status).toBe(200);
      for (let waited = 0; waited < 50 && !heard.some((request) => request.uid === live.uid); waited++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(heard.find((request) => request.uid === live.uid)).toMatchObject({
        gatewayId: 'gateway-7',
        tenantId: owner.tenantId,
        uid: live.uid,
      });
      const stored = await context.models.sessions.findOne({ uid: live.uid }).lean();
      expect(stored).toMatchObject({ active: false });
      expect(stored?.closed_at).toBeInstanceOf(Date);
      // Closing an ended session says so.
      expect((await call(owner, 'POST', `/api/sessions/${live.uid}/close`, { device: device.uid })).status).toBe(409);
    });

    it('refuses an observer, and answers 404 for another namespace’s session or another device', async () => {
      const live = await session();
      const observer = await newMember(api, owner.tenantId, 'observer');
      expect((await call(observer, 'POST', `/api/sessions/${live.uid}/close`, { device: device.uid })).status).toBe(403);

      const other = await newOwner(api);
      expect((await call(other, 'POST', `/api/sessions/${live.uid}/close`, { device: device.uid })).status).toBe(404);
      const elsewhere = randomBytes(32).toString('hex');
      expect((await call(owner, 'POST', `/api/sessions/${live.uid}/close`, { device: elsewhere })).status).toBe(404);
      expect((await call(owner, 'POST', `/api/sessions/${live.uid}/close`, {})).status).toBe(400);
      expect(await context.models.sessions.findOne({ uid: live.uid }).lean()).toMatchObject({ active: true });
    });
  });

  it('GET /api/stats counts the active sessions: not closed ones, not stale ones', async () => {
    const counted = await newOwner(api);
    const ofCounted = await persist.device(context.connection, { tenant_id: counted.tenantId, status: 'accepted' });
    await session({}, counted.tenantId, ofCounted.uid);
    await session({}, counted.tenantId, ofCounted.uid);
    await session({ active: false, closed_at: new Date() }, counted.tenantId, ofCounted.uid);
    await session({ last_seen: secondsAgo(EXPIRY_SECONDS + 5) }, counted.tenantId, ofCounted.uid);
    const stats = await readJson<Record<string, number>>(await call(counted, 'GET', '/api/stats'));
    expect(stats['active_sessions']).toBe(2);
  });

  describe('the contract’s internal routes', () => {
    const service = { 'x-internal-token': INTERNAL_TOKEN };
    let deviceToken: string;
    beforeAll(() => {
      deviceToken = signDeviceToken(api.app.get<PlatformKeys>(PLATFORM_KEYS), { uid: device.uid, tenantId: owner.tenantId });
    });

    const internalCalls = () => {
      const uid = randomBytes(32).toString('hex');
      return [
        ['POST', '/api/sessions', { uid, device_uid: device.uid, username: 'root', ip_address: '192.0.2.9' }],
        ['POST', `/api/sessions/${uid}`, { authenticated: true }],
        ['POST', `/api/sessions/${uid}/keepalive`, undefined],
        ['PUT', `/api/devices/${device.uid}/offline`, undefined],
        ['POST', `/internal/devices/${device.uid}/offline`, undefined],
        ['GET', `/api/sshkeys/public-keys/evaluate/${'aa:'.repeat(15)}aa/root?device=${device.uid}`, undefined],
      ] as const;
    };

    it('refuse the public, members and a wrong internal credential', async () => {
      for (const [method, path, body] of internalCalls()) {
        expect({ path, status: (await call(null, method, path, body)).status }).toEqual({ path, status: 401 });
        expect({ path, status: (await call(owner, method, path, body)).status }).toEqual({ path, status: 401 });
        const wrong = { 'x-internal-token': `${INTERNAL_TOKEN.slice(0, -1)}x` };
        expect({ path, status: (await call(null, method, path, body, wrong)).status }).toEqual({ path, status: 401 });
      }
    });

    it('refuse a device token where only a platform service may call', async () => {
      for (const [method, path, body] of internalCalls().slice(0, 3)) {
        const status = (await call(null, method, path, body, { authorization: `Bearer ${deviceToken}` })).status;
        expect({ path, status }).toEqual({ path, status: 401 });
      }
    });

    it('record a session for a platform service: created, authenticated, kept alive', async () => {
      const uid = randomBytes(32).toString('hex');
      const created = await call(null, 'POST', '/api/sessions', { uid, device_uid: device.uid, username: 'root', ip_address: '::ffff:192.0.2.9' }, service);
      expect(created.status).toBe(200);
      expect(await readJson(created)).toMatchObject({ uid, tenant_id: owner.tenantId, authenticated: false, active: true, ip_address: '192.0.2.9' });
      expect((await call(null, 'POST', '/api/sessions', { uid, device_uid: device.uid, username: 'root', ip_address: '192.0.2.9' }, service)).status).toBe(409);
      expect((await call(null, 'POST', `/api/sessions/${uid}`, { authenticated: true }, service)).status).toBe(200);
      const before = (await context.models.sessions.findOne({ uid }).lean())?.last_seen as Date;
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect((await call(null, 'POST', `/api/sessions/${uid}/keepalive`, undefined, service)).status).toBe(200);
      const stored = await context.models.sessions.findOne({ uid }).lean();
      expect(stored).toMatchObject({ authenticated: true, active: true });
      expect(stored?.last_seen.getTime()).toBeGreaterThan(before.getTime());
      expect((await call(owner, 'GET', `/api/sessions/${uid}`)).status).toBe(200);

      expect((await call(null, 'POST', '/api/sessions', { uid: 'short', device_uid: device.uid, username: 'root', ip_address: 'nowhere' }, service)).status).toBe(400);
      expect((await call(null, 'POST', `/api/sessions/${randomBytes(32).toString('hex')}/keepalive`, undefined, service)).status).toBe(404);
    });

    it('let a device report itself offline, never another device', async () => {
      const presence = new DevicePresenceStore(context.redis, context.redisPrefix);
      await presence.markOnline([{ tenantId: owner.tenantId, uid: device.uid }], 'gateway-1', Date.now() + 60_000);
      const self = await call(null, 'PUT', `/api/devices/${device.uid}/offline`, undefined, { authorization: `Bearer ${deviceToken}` });
      expect(self.status).toBe(200);
      expect((await presence.onlineUntil(owner.tenantId, [device.uid])).size).toBe(0);

      const another = await persist.device(context.connection, { tenant_id: owner.tenantId, status: 'accepted' });
      const refused = await call(null, 'POST', `/internal/devices/${another.uid}/offline`, undefined, { authorization: `Bearer ${deviceToken}` });
      expect(refused.status).toBe(403);
      expect((await call(null, 'POST', `/internal/devices/${another.uid}/offline`, undefined, service)).status).toBe(200);
    });

    it('evaluate a public key for a platform service: username rule and device filter', async () => {
      const created = await readJson<{ fingerprint: string }>(
        await call(owner, 'POST', '/api/sshkeys/public-keys', {
          data: Buffer.from(generateEd25519KeyPair().public).toString('base64'),
          name: 'evaluated',
          username: '^root$',
          filter: { hostname: '^kitchen-' },
        }),
      );
      const evaluate = (username: string) =>
        call(null, 'GET', `/api/sshkeys/public-keys/evaluate/${created.fingerprint}/${username}?device=${device.uid}`, undefined, service);
      const allowed = await evaluate('root');
      expect(allowed.status).toBe(200);
      expect(allowed.headers.get('content-type')).toContain('application/json');
      expect(await allowed.json()).toBe(true);
      expect(await (await evaluate('pi')).json()).toBe(false);
      const unknownKey = await call(null, 'GET', `/api/sshkeys/public-keys/evaluate/${'ab:'.repeat(15)}ab/root?device=${device.uid}`, undefined, service);
      expect(unknownKey.status).toBe(404);
      const noDevice = await call(null, 'GET', `/api/sshkeys/public-keys/evaluate/${created.fingerprint}/root`, undefined, service);
      expect(noDevice.status).toBe(400);
    });
  });
});
