import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { deviceAuthSigningMessage, type DeviceAuthSignedFields } from '@fleetgate/contracts';
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
  /** A device key pair as the agent makes it (RSA-2048, PKCS#1 PEM). */
  const deviceKeys = () =>
    generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'pkcs1', format: 'pem' },
    });
  /** The proof headers the agent sends: its private key's signature of the registration and the time. */
  const signedBy = (privateKey: string, body: DeviceAuthSignedFields, at = Date.now()) => {
    const timestamp = String(Math.floor(at));
    const signature = sign('sha256', Buffer.from(deviceAuthSigningMessage(body, timestamp)), privateKey);
    return { 'X-Fleetgate-Signature': signature.toString('base64'), 'X-Fleetgate-Timestamp': timestamp };
  };
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
    // Registration never makes a device seen or online: only a live tunnel does (issue 18).
    expect(stored?.last_seen.getTime()).toBe(0);
  });

  it('answers the alias route the same way', async () => {
    const response = await register(
      request({ identity: { mac: '00:11:22:33:44:56' }, hostname: 'alias-pi' }),
      '/api/auth/device',
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ name: 'alias-pi', namespace: 'acme' });
  });

  it('keeps uid and name when the device registers again, signed, and refreshes what it reports', async () => {
    const keys = deviceKeys();
    const body = request({ identity: { mac: '00:11:22:33:44:57' }, hostname: 'steady', public_key: keys.publicKey });
    const first = await registered(body);
    await devices().updateOne(
      { uid: first.uid },
      { $set: { name: 'renamed-in-ui', last_seen: new Date(0) } },
    );

    const newer = { ...body, info: { ...info, version: '0.2.0' } };
    const again = await register(newer, '/api/devices/auth', signedBy(keys.privateKey, newer));
    expect(again.status).toBe(200);
    expect(await readJson<DeviceAuthResponse>(again)).toMatchObject({
      uid: first.uid,
      name: 'renamed-in-ui',
    });

    const stored = await devices().find({ uid: first.uid }).lean<DeviceDocument[]>();
    expect(stored).toHaveLength(1);
    expect(stored[0].info.version).toBe('0.2.0');
    // A registration is not a sign of life: last_seen stays what the gateway last wrote.
    expect(stored[0].last_seen.getTime()).toBe(0);
  });

  describe('re-registering a known device needs its private key (spoofing, issue 17.5)', () => {
    const keys = deviceKeys();
    const attacker = deviceKeys();
    const victim = request({ identity: { mac: '00:11:22:33:44:70' }, hostname: 'victim', public_key: keys.publicKey });
    let uid: string;
    let before: DeviceDocument | null;

    beforeAll(async () => {
      uid = (await registered(victim)).uid;
      await devices().updateOne({ uid }, { $set: { status: 'accepted', name: 'victim-pi' } });
    });
    beforeEach(async () => {
      before = await devices().findOne({ uid }).lean<DeviceDocument>();
    });

    const expectUnchanged = async () =>
      expect(await devices().findOne({ uid }).lean<DeviceDocument>()).toEqual(before);

    it('gives an unsigned registration with the device’s tenant, MAC and public key no token, and changes nothing', async () => {
      const spoofed = { ...victim, info: { ...info, pretty_name: 'Spoofed OS' } };
      for (const path of ['/api/devices/auth', '/api/auth/device']) {
        const response = await register(spoofed, path, { 'X-Real-IP': '203.0.113.66' });
        expect(response.status).toBe(401);
        const answer = await readJson<Record<string, unknown>>(response);
        expect(answer).not.toHaveProperty('token');
        expect(answer).toMatchObject({ code: 'unauthorized', message: expect.stringMatching(/already registered.*signature/) });
      }
      await expectUnchanged();
    });

    it('refuses a registration signed with another key, a stale one, and a replayed one', async () => {
      const forged = await register(victim, '/api/devices/auth', signedBy(attacker.privateKey, victim));
      expect(forged.status).toBe(401);
      expect(await readJson<{ message: string }>(forged)).toMatchObject({ message: expect.stringMatching(/does not match/) });

      const stale = await register(victim, '/api/devices/auth', signedBy(keys.privateKey, victim, Date.now() - 10 * 60_000));
      expect(stale.status).toBe(401);
      expect(await readJson<{ message: string }>(stale)).toMatchObject({ message: expect.stringMatching(/stale/) });

      const tampered = { ...victim, info: { ...info, pretty_name: 'Spoofed OS' } };
      const signedOriginal = signedBy(keys.privateKey, victim);
      const altered = await register(tampered, '/api/devices/auth', signedOriginal);
      expect(altered.status).toBe(401);
      await expectUnchanged();

      const genuine = signedBy(keys.privateKey, victim);
      expect((await register(victim, '/api/devices/auth', genuine)).status).toBe(200);
      const replayed = await register(victim, '/api/devices/auth', genuine);
      expect(replayed.status).toBe(401);
      expect(await readJson<{ message: string }>(replayed)).toMatchObject({ message: expect.stringMatching(/already used/) });
      // A new signature a moment later is a new registration, even within the same second.
      const again = signedBy(keys.privateKey, victim, Number(genuine['X-Fleetgate-Timestamp']) + 1);
      expect((await register(victim, '/api/devices/auth', again)).status).toBe(200);
    });

    it.each([
      ['a signature without its timestamp', { 'X-Fleetgate-Signature': 'c2lnbmF0dXJlLWJ5dGVzLWhlcmU=' }, /go together/],
      ['a timestamp that is not Unix milliseconds', { 'X-Fleetgate-Signature': 'c2lnbmF0dXJlLWJ5dGVzLWhlcmU=', 'X-Fleetgate-Timestamp': 'yesterday' }, /Unix milliseconds/],
      ['a signature that is not base64', { 'X-Fleetgate-Signature': 'not base64!', 'X-Fleetgate-Timestamp': '1700000000000' }, /base64/],
    ])('answers %s with a 400 naming the problem', async (_case, headers, problem) => {
      const response = await register(victim, '/api/devices/auth', headers);
      expect(response.status).toBe(400);
      expect(await readJson<{ message: string }>(response)).toMatchObject({ message: expect.stringMatching(problem) });
      await expectUnchanged();
    });

    it('accepts a signed first registration of a new device, proving possession of its key', async () => {
      const fresh = deviceKeys();
      const body = request({ identity: { mac: '00:11:22:33:44:71' }, hostname: 'signed-new', public_key: fresh.publicKey });
      const response = await register(body, '/api/devices/auth', signedBy(fresh.privateKey, body));
      expect(response.status).toBe(200);
      const wrongKey = request({ identity: { mac: '00:11:22:33:44:72' }, hostname: 'signed-wrong', public_key: fresh.publicKey });
      const refused = await register(wrongKey, '/api/devices/auth', signedBy(attacker.privateKey, wrongKey));
      expect(refused.status).toBe(401);
      expect(await devices().countDocuments({ name: 'signed-wrong' })).toBe(0);
    });
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
