import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { MembershipsRepository, tenantScope } from '@fleetgate/data-access';
import { createTestContext, type RunningHttpApp, type TestContext } from '@fleetgate/testing';
import { startApi } from '../../testing/api-environment';
import { newMember, newOwner } from '../../testing/members';

describe('current user and namespace switching', () => {
  let context: TestContext;
  let api: RunningHttpApp;

  const get = (path: string, authorization?: string) =>
    fetch(`${api.url}${path}`, { headers: authorization ? { authorization } : {} });
  const tenantOf = (token: string) => (jwt.decode(token) as jwt.JwtPayload).tenant as string;

  beforeAll(async () => {
    context = await createTestContext(__filename);
    api = await startApi(context);
  });
  afterAll(async () => {
    await api?.close();
    await context.close();
  });

  it('GET /api/auth/user answers the caller’s login response for the token’s namespace', async () => {
    const owner = await newOwner(api);
    const response = await get('/api/auth/user', owner.authorization);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { token: string };
    expect(body).toEqual({
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
    expect(tenantOf(body.token)).toBe(owner.tenantId);
    expect((await get('/api/auth/user')).status).toBe(401);
    expect((await get('/api/auth/user', 'Bearer not-a-token')).status).toBe(401);
  });

  it('GET /api/auth/user drops a namespace the caller was removed from', async () => {
    const owner = await newOwner(api);
    const operator = await newMember(api, owner.tenantId, 'operator');
    await context.models.memberships.deleteOne({ user_id: operator.userId });
    const response = await get('/api/auth/user', operator.authorization);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ tenant: '', role: '' });
  });

  it.each(['/api/auth/token', '/api/token'])(
    'GET %s/{tenant} gives a token for another namespace of the caller, and never for anyone else’s',
    async (route) => {
      const owner = await newOwner(api);
      const other = await newOwner(api);
      const stranger = await newOwner(api);
      await api.app.get(MembershipsRepository).create(tenantScope(other.tenantId), {
        user_id: owner.userId,
        role: 'observer',
        status: 'accepted',
      });

      const switched = await get(`${route}/${other.tenantId}`, owner.authorization);
      expect(switched.status).toBe(200);
      const body = (await switched.json()) as { token: string };
      expect(body).toMatchObject({ tenant: other.tenantId, role: 'observer', id: owner.userId });
      expect(tenantOf(body.token)).toBe(other.tenantId);
      // The new token works in the new namespace.
      expect((await get('/api/devices', `Bearer ${body.token}`)).status).toBe(200);

      expect((await get(`${route}/${stranger.tenantId}`, owner.authorization)).status).toBe(403);
      expect((await get(`${route}/${randomUUID()}`, owner.authorization)).status).toBe(403);
      expect((await get(`${route}/not-a-uuid`, owner.authorization)).status).toBe(400);
      expect((await get(`${route}/${other.tenantId}`)).status).toBe(401);

      // A pending invitation is not membership.
      await context.models.memberships
        .updateOne({ user_id: owner.userId, tenant_id: other.tenantId }, { $set: { status: 'pending' } });
      expect((await get(`${route}/${other.tenantId}`, owner.authorization)).status).toBe(403);
    },
  );
});
