import { randomUUID } from 'node:crypto';
import { type DeviceDocument } from '@fleetgate/data-access';
import { type DeviceAuthResponse, deviceUid } from '@fleetgate/devices';
import { PLATFORM_KEYS } from '@fleetgate/identity';
import { type PlatformKeys, verifyDeviceToken } from '@fleetgate/auth';
import { createTestContext, persist, type RunningHttpApp, type TestContext } from '@fleetgate/testing';
import { startApi } from '../../testing/api-environment';
import { readJson } from '../../testing/http';

describe('device registration: POST /api/devices/auth and /api/auth/device', () => {
  let context: TestContext;
  let api: RunningHttpApp;
  const tenantId = randomUUID();
  const publicKey = '-----BEGIN RSA PUBLIC KEY-----\nMIIBCgKCAQEAtest\n-----END RSA PUBLIC KEY-----\n';
  const info = {
    id: 'debian',
    pretty_name: 'Debian GNU/Linux 12',
    version: '0.1.0',
    arch: 'x86_64',
    platform: 'native',
  };

  const devices = () => context.models.devices;
  const register = (body: unknown, path = '/api/devices/auth', headers: Record<string, string> = {}) =>
    fetch(`${api.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const registered = async (body: unknown) => readJson<DeviceAuthResponse>(await register(body));
  const request = (overrides: Record<string, unknown> = {}) => ({
    info,
    identity: { mac: '00:11:22:33:44:55' },
    hostname: 'Kitchen-Pi',
    public_key: publicKey,
    tenant_id: tenantId,
    ...overrides,
  });

  beforeAll(async () => {
    context = await createTestContext(__filename);
    api = await startApi(context);
    await persist.namespace(context.connection, { tenant_id: tenantId, name: 'acme' });
  });
  afterAll(async () => {
    await api?.close();
    await context.close();
  });

  it('registers a new device as pending, named after its hostname, and returns its uid and token', async () => {
    const mac = '00:11:22:33:44:55';
    const response = await register(request({ identity: { mac } }));
    expect(response.status).toBe(200);
    const body = await readJson<DeviceAuthResponse>(response);
    const uid = deviceUid({ identity: { mac }, publicKey, tenantId });
    expect(body).toEqual({ uid, token: expect.any(String), name: 'kitchen-pi', namespace: 'acme' });
    expect(verifyDeviceToken(api.app.get<PlatformKeys>(PLATFORM_KEYS), body.token)).toEqual({
      claims: 'device',
      uid,
      tenant: tenantId,
    });

    const stored = await devices().findOne({ uid }).lean<DeviceDocument>();
    expect(stored).toMatchObject({
      tenant_id: tenantId,
      name: 'kitchen-pi',
      status: 'pending',
      identity: { mac },
      info,
      public_key: publicKey,
      remote_addr: '127.0.0.1',
      position: null,
      tags: [],
    });
    expect(Date.now() - (stored?.last_seen.getTime() ?? 0)).toBeLessThan(10_000);
  });

  it('answers the alias route the same way', async () => {
    const response = await register(
      request({ identity: { mac: '00:11:22:33:44:56' }, hostname: 'alias-pi' }),
      '/api/auth/device',
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ name: 'alias-pi', namespace: 'acme' });
  });

  it('keeps uid and name when the device registers again, and refreshes what it reports', async () => {
    const first = await registered(request({ identity: { mac: '00:11:22:33:44:57' }, hostname: 'steady' }));
    await devices().updateOne(
      { uid: first.uid },
      { $set: { name: 'renamed-in-ui', last_seen: new Date(0) } },
    );

    const newer = { ...info, version: '0.2.0' };
    const again = await register(
      request({ identity: { mac: '00:11:22:33:44:57' }, hostname: 'steady', info: newer }),
    );
    expect(again.status).toBe(200);
    expect(await readJson<DeviceAuthResponse>(again)).toMatchObject({
      uid: first.uid,
      name: 'renamed-in-ui',
    });

    const stored = await devices().find({ uid: first.uid }).lean<DeviceDocument[]>();
    expect(stored).toHaveLength(1);
    expect(stored[0].info.version).toBe('0.2.0');
    expect(Date.now() - stored[0].last_seen.getTime()).toBeLessThan(10_000);
  });

  it('names a device without hostname after its MAC', async () => {
    const response = await register(request({ identity: { mac: 'AA:BB:CC:00:11:22' }, hostname: undefined }));
    expect(response.status).toBe(200);
    expect((await readJson<DeviceAuthResponse>(response)).name).toBe('aa-bb-cc-00-11-22');
  });

  it('gives a device whose name is taken a suffixed name instead of failing', async () => {
    const taken = await registered(request({ identity: { mac: '00:11:22:33:44:58' }, hostname: 'twin' }));
    const response = await register(request({ identity: { mac: '00:11:22:33:44:59' }, hostname: 'twin' }));
    expect(response.status).toBe(200);
    const second = await readJson<DeviceAuthResponse>(response);
    expect(second.uid).not.toBe(taken.uid);
    expect(second.name).toMatch(/^twin-[0-9a-f]{4}$/);
  });

  it('does not believe forwarded-address headers from a client that is not a trusted proxy', async () => {
    const response = await register(
      request({ identity: { mac: '00:11:22:33:44:60' }, hostname: 'spoofer' }),
      '/api/devices/auth',
      {
        'X-Forwarded-For': '203.0.113.9',
        'X-Real-IP': '203.0.113.9',
      },
    );
    const { uid } = await readJson<DeviceAuthResponse>(response);
    expect((await devices().findOne({ uid }).lean<DeviceDocument>())?.remote_addr).toBe('127.0.0.1');
  });

  it('answers 404 for an unknown tenant and writes nothing', async () => {
    const unknownTenant = randomUUID();
    const response = await register(request({ tenant_id: unknownTenant, hostname: 'nowhere' }));
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'not_found' });
    expect(await devices().countDocuments({ tenant_id: unknownTenant })).toBe(0);
  });

  it.each([
    ['a hostname with a dot', { hostname: 'kitchen.local' }, /hostname/],
    ['a hostname longer than 64 characters', { hostname: 'a'.repeat(65) }, /hostname/],
    ['neither hostname nor identity', { hostname: undefined, identity: undefined }, /hostname or identity/],
    ['no public key', { public_key: undefined }, /public_key/],
    ['a tenant id that is not a UUID', { tenant_id: 'acme' }, /tenant_id/],
    ['no info', { info: undefined }, /info/],
    ['info that is not an object', { info: 'debian' }, /info/],
    ['an unknown field', { extra: true }, /extra/],
    ['an identity whose MAC is not a string', { identity: { mac: { $ne: '' } } }, /mac/],
  ])('refuses %s with a 400 naming the problem', async (_case, overrides, problem) => {
    const response = await register(request(overrides));
    expect(response.status).toBe(400);
    const body = await readJson<{ code: string; message: string }>(response);
    expect(body.code).toBe('validation_failed');
    expect(body.message).toMatch(problem);
  });

  describe('POST /api/auth/ssh', () => {
    const fingerprint = '48:6e:fc:94:01:01:74:57:eb:57:49:91:15:e4:9c:7a';
    const challenge = (token: string | null, body: unknown = { fingerprint, data: '{"Username":"pi"}' }) =>
      fetch(`${api.url}/api/auth/ssh`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      });

    it('answers a registered device that no login key has this fingerprint: Fleetgate’s gateway mints none', async () => {
      const { token } = await registered(
        request({ identity: { mac: '00:11:22:33:44:aa' }, hostname: 'ssh-auth' }),
      );
      const response = await challenge(token);
      expect(response.status).toBe(404);
      expect(await readJson<{ message: string }>(response)).toMatchObject({
        message: `login key ${fingerprint} not found`,
      });
    });

    it('refuses callers without a valid device token, and a removed device', async () => {
      expect((await challenge(null)).status).toBe(401);
      expect((await challenge('not-a-token')).status).toBe(401);
      const { token, uid } = await registered(
        request({ identity: { mac: '00:11:22:33:44:bb' }, hostname: 'removed' }),
      );
      await devices().updateOne({ uid }, { $set: { status: 'removed' } });
      expect((await challenge(token)).status).toBe(401);
    });

    it('refuses a malformed fingerprint with a 400', async () => {
      const { token } = await registered(
        request({ identity: { mac: '00:11:22:33:44:cc' }, hostname: 'malformed' }),
      );
      const response = await challenge(token, { fingerprint: 'SHA256:abc', data: 'x' });
      expect(response.status).toBe(400);
      expect(await readJson<{ message: string }>(response)).toMatchObject({
        message: expect.stringMatching(/fingerprint/),
      });
    });
  });
});
