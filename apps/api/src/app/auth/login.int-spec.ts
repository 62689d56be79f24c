import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { type PlatformKeys, signDeviceToken, signUserToken } from '@fleetgate/auth';
import { MembershipsRepository, tenantScope } from '@fleetgate/data-access';
import { PLATFORM_KEYS } from '@fleetgate/identity';
import { createTestContext, type RunningHttpApp, type TestContext } from '@fleetgate/testing';
import { startApi } from '../../testing/api-environment';
import { newMember, newOwner, postLogin } from '../../testing/members';

describe('login and the member guard', () => {
  let context: TestContext;
  let api: RunningHttpApp;

  const devicesOf = (authorization?: string, headers: Record<string, string> = {}) =>
    fetch(`${api.url}/api/devices`, { headers: { ...(authorization ? { authorization } : {}), ...headers } });

  beforeAll(async () => {
    context = await createTestContext(__filename);
    api = await startApi(context);
  });
  afterAll(async () => {
    await api?.close();
    await context.close();
  });

  describe('POST /api/login', () => {
    it('answers ShellHub’s login response with a 72-hour RS256 user token for the first namespace', async () => {
      const owner = await newOwner(api);
      for (const identifier of [
        owner.username,
        `${owner.username}@example.test`,
        owner.username.toUpperCase(),
      ]) {
        const response = await postLogin(api, { username: identifier, password: owner.password });
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({
          token: expect.any(String),
          user: owner.username,
          name: owner.username,
          id: owner.userId,
          email: `${owner.username}@example.test`,
          recovery_email: '',
          tenant: owner.tenantId,
          role: 'owner',
          mfa: false,
          max_namespaces: -1,
        });
      }
      const token = owner.authorization.replace('Bearer ', '');
      const decoded = jwt.decode(token, { complete: true }) as jwt.Jwt & { payload: jwt.JwtPayload };
      expect(decoded.header.alg).toBe('RS256');
      expect(decoded.payload).toMatchObject({
        claims: 'user',
        id: owner.userId,
        name: owner.username,
        tenant: owner.tenantId,
      });
      const { exp = 0, iat = 0 } = decoded.payload;
      expect(exp - iat).toBe(72 * 60 * 60);
    });

    it('logs a user without a namespace in with an empty tenant and role', async () => {
      const member = await newMember(api, randomUUID(), 'observer');
      await context.models.memberships.deleteMany({ user_id: member.userId });
      const response = await postLogin(api, { username: member.username, password: member.password });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ tenant: '', role: '' });
    });

    it('answers a wrong password and an unknown user alike, with a 401 after the same hashing work', async () => {
      const owner = await newOwner(api);
      const timed = async (body: unknown) => {
        const started = process.hrtime.bigint();
        const response = await postLogin(api, body);
        return {
          status: response.status,
          body: await response.json(),
          ms: Number(process.hrtime.bigint() - started) / 1e6,
        };
      };
      const wrongPassword = await timed({ username: owner.username, password: 'not the password' });
      const unknownUser = await timed({ username: 'nobody-here', password: 'not the password' });
      expect(wrongPassword.status).toBe(401);
      expect(unknownUser.status).toBe(401);
      expect(unknownUser.body).toEqual(wrongPassword.body);
      // Without the decoy hash an unknown user would answer in a few milliseconds, a wrong password in tens.
      expect(unknownUser.ms).toBeGreaterThan(wrongPassword.ms / 3);
    });

    it('refuses malformed credentials with a 400', async () => {
      expect((await postLogin(api, { username: 'ab', password: 'secret' })).status).toBe(400);
      expect((await postLogin(api, { username: 'alice', password: 'abc' })).status).toBe(400);
      expect((await postLogin(api, { username: { $ne: '' }, password: 'secret1' })).status).toBe(400);
    });
  });

  describe('the member guard', () => {
    it('refuses requests without a valid user token with a 401', async () => {
      const platformKeys = api.app.get<PlatformKeys>(PLATFORM_KEYS);
      const owner = await newOwner(api);
      expect((await devicesOf()).status).toBe(401);
      expect((await devicesOf('Bearer not-a-token')).status).toBe(401);
      expect((await devicesOf(`Basic ${Buffer.from('a:b').toString('base64')}`)).status).toBe(401);
      const deviceToken = signDeviceToken(platformKeys, { uid: 'a'.repeat(64), tenantId: owner.tenantId });
      expect((await devicesOf(`Bearer ${deviceToken}`)).status).toBe(401);
      const expired = jwt.sign(
        { claims: 'user', id: owner.userId, tenant: owner.tenantId, name: owner.username },
        platformKeys.privateKeyPem,
        {
          algorithm: 'RS256',
          expiresIn: -1,
        },
      );
      expect((await devicesOf(`Bearer ${expired}`)).status).toBe(401);
    });

    it('lets a member act in another namespace of theirs with X-Tenant-ID, and in no one else’s', async () => {
      const owner = await newOwner(api);
      const other = await newOwner(api);
      const stranger = await newOwner(api);
      await api.app.get(MembershipsRepository).create(tenantScope(other.tenantId), {
        user_id: owner.userId,
        role: 'observer',
        status: 'accepted',
      });
      expect((await devicesOf(owner.authorization)).status).toBe(200);
      expect((await devicesOf(owner.authorization, { 'X-Tenant-ID': other.tenantId })).status).toBe(200);
      expect((await devicesOf(owner.authorization, { 'X-Tenant-ID': stranger.tenantId })).status).toBe(403);
      expect((await devicesOf(owner.authorization, { 'X-Tenant-ID': randomUUID() })).status).toBe(403);
      expect((await devicesOf(owner.authorization, { 'X-Tenant-ID': 'not-a-uuid' })).status).toBe(400);
    });

    it('checks the membership on every request, so a removed member loses access at once', async () => {
      const owner = await newOwner(api);
      const operator = await newMember(api, owner.tenantId, 'operator');
      expect((await devicesOf(operator.authorization)).status).toBe(200);
      await context.models.memberships.deleteOne({ user_id: operator.userId });
      expect((await devicesOf(operator.authorization)).status).toBe(403);
    });

    it('refuses a pending membership and a token without a tenant', async () => {
      const owner = await newOwner(api);
      const invited = await newMember(api, owner.tenantId, 'operator');
      await context.models.memberships
        .updateOne({ user_id: invited.userId }, { $set: { status: 'pending' } });
      expect((await devicesOf(invited.authorization)).status).toBe(403);

      const withoutTenant = signUserToken(api.app.get<PlatformKeys>(PLATFORM_KEYS), {
        id: owner.userId,
        username: owner.username,
        tenantId: '',
        mfa: false,
      });
      const response = await devicesOf(`Bearer ${withoutTenant}`);
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ message: 'no namespace selected' });
    });
  });
});
