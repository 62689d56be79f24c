import { randomUUID } from 'node:crypto';
import { ApiKeysRepository, apiKeyDigest, tenantScope } from '@fleetgate/data-access';
import { createTestContext, type RunningHttpApp, type TestContext } from '@fleetgate/testing';
import { startApi } from '../../testing/api-environment';
import { readJson } from '../../testing/http';
import { newMember, newOwner, type TestMember } from '../../testing/members';

interface ApiKeyJson {
  id?: string;
  tenant_id: string;
  created_by: string;
  role: string;
  name: string;
  expires_in: number;
  created_at: string;
  updated_at: string;
}

interface ErrorJson {
  code: string;
  message: string;
}

/** Who calls: a user token (optionally with X-Tenant-ID), an API key, both, or nothing. */
interface Caller {
  authorization?: string;
  apiKey?: string;
  tenantId?: string;
}

const roles = ['owner', 'administrator', 'operator', 'observer'] as const;
type Role = (typeof roles)[number];
const managers: readonly Role[] = ['owner', 'administrator'];

let sequence = 0;
const uniqueName = (prefix = 'key') => `${prefix}-${process.pid % 1000}-${++sequence}`;

describe('API keys: manage them, and authenticate with X-API-KEY', () => {
  let context: TestContext;
  let api: RunningHttpApp;

  const call = (caller: Caller | null, path: string, method = 'GET', body?: unknown) =>
    fetch(`${api.url}${path}`, {
      method,
      headers: {
        ...(caller?.authorization ? { authorization: caller.authorization } : {}),
        ...(caller?.apiKey ? { 'x-api-key': caller.apiKey } : {}),
        ...(caller?.tenantId ? { 'x-tenant-id': caller.tenantId } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  const createKey = (caller: Caller, body: Record<string, unknown>) =>
    call(caller, '/api/namespaces/api-key', 'POST', body);

  /** Creates a key and answers its plaintext, failing the test when the API refuses. */
  const newKey = async (
    caller: Caller,
    body: Record<string, unknown> = {},
  ): Promise<ApiKeyJson & { id: string }> => {
    const response = await createKey(caller, { name: uniqueName(), expires_at: 30, ...body });
    expect(response.status).toBe(200);
    return readJson<ApiKeyJson & { id: string }>(response);
  };

  const listKeys = async (caller: Caller, query = '') => {
    const response = await call(caller, `/api/namespaces/api-key${query}`);
    expect(response.status).toBe(200);
    return { keys: await readJson<ApiKeyJson[]>(response), total: response.headers.get('x-total-count') };
  };

  const team = async (): Promise<Record<Role, TestMember>> => {
    const owner = await newOwner(api);
    return {
      owner,
      administrator: await newMember(api, owner.tenantId, 'administrator'),
      operator: await newMember(api, owner.tenantId, 'operator'),
      observer: await newMember(api, owner.tenantId, 'observer'),
    };
  };

  beforeAll(async () => {
    context = await createTestContext(__filename);
    api = await startApi(context);
  });
  afterAll(async () => {
    await api?.close();
    await context.close();
  });

  describe('POST /api/namespaces/api-key', () => {
    it('creates a key acting for the creator and shows the plaintext only in the create response', async () => {
      const { owner, administrator } = await team();
      const before = Math.floor(Date.now() / 1000);
      const created = await newKey(administrator, { name: 'deploy-bot', expires_at: 30 });

      expect(created).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
        tenant_id: owner.tenantId,
        created_by: administrator.userId,
        role: 'administrator',
        name: 'deploy-bot',
        expires_in: expect.any(Number),
        created_at: expect.any(String),
        updated_at: expect.any(String),
      });
      expect(created.expires_in).toBeGreaterThanOrEqual(before + 30 * 86_400);
      expect(created.expires_in).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 30 * 86_400);

      const listed = await call(owner, '/api/namespaces/api-key');
      const text = await listed.text();
      expect(text).not.toContain(created.id);
      const [item] = JSON.parse(text) as ApiKeyJson[];
      expect(item).not.toHaveProperty('id');
      expect(item).toMatchObject({
        name: 'deploy-bot',
        role: 'administrator',
        created_by: administrator.userId,
      });

      // Only the digest is stored: nothing in the document is the plaintext.
      const stored = await context.models.apiKeys.findOne({ name: 'deploy-bot' }).lean();
      expect(stored).toMatchObject({ key_digest: apiKeyDigest(created.id), tenant_id: owner.tenantId });
      expect(JSON.stringify(stored)).not.toContain(created.id);
    });

    it('uses a client-chosen UUID as the key, keeps -1 as never, and makes 365 days one calendar year', async () => {
      const { owner } = await team();
      const chosen = randomUUID();
      const never = await newKey(owner, { key: chosen, expires_at: -1, role: 'observer' });
      expect(never).toMatchObject({ id: chosen, expires_in: -1, role: 'observer' });

      const yearly = await newKey(owner, { expires_at: 365 });
      const inOneYear = new Date();
      inOneYear.setUTCFullYear(inOneYear.getUTCFullYear() + 1);
      expect(Math.abs(yearly.expires_in - Math.floor(inOneYear.getTime() / 1000))).toBeLessThan(30);
      // An owner's key defaults to administrator: no key may be owner.
      expect(yearly.role).toBe('administrator');

      const used = await call({ apiKey: chosen }, '/api/devices');
      expect(used.status).toBe(200);
    });

    it.each([
      ['name', { name: 'ab', expires_at: 30 }],
      ['name', { name: 'a'.repeat(21), expires_at: 30 }],
      ['name', { name: 'has space', expires_at: 30 }],
      ['name', { name: 'tab\there', expires_at: 30 }],
      ['name', { expires_at: 30 }],
      ['name', { name: 42, expires_at: 30 }],
      ['expires_at', { name: 'valid-name', expires_at: 7 }],
      ['expires_at', { name: 'valid-name', expires_at: '30' }],
      ['expires_at', { name: 'valid-name' }],
      ['key', { name: 'valid-name', expires_at: 30, key: 'not-a-uuid' }],
      ['key', { name: 'valid-name', expires_at: 30, key: '00000000-0000-0000-0000-000000000000' }],
      ['key', { name: 'valid-name', expires_at: 30, key: '00000000-0000-4000-8000-000000000000' }],
      ['role', { name: 'valid-name', expires_at: 30, role: 'superuser' }],
      ['unknown', { name: 'valid-name', expires_at: 30, unknown: true }],
    ])('refuses an invalid %s with 400 naming it (%j)', async (field, body) => {
      const { owner } = await team();
      const response = await createKey(owner, body);
      expect(response.status).toBe(400);
      expect((await readJson<ErrorJson>(response)).message).toContain(field);
    });

    it('refuses a name already used in the namespace with 409, but not one used in another namespace', async () => {
      const first = await team();
      const second = await newOwner(api);
      await newKey(first.owner, { name: 'shared-name' });

      expect((await createKey(first.administrator, { name: 'shared-name', expires_at: 30 })).status).toBe(
        409,
      );
      expect((await createKey(second, { name: 'shared-name', expires_at: 30 })).status).toBe(200);
    });

    it('refuses a key value already in use with 409, in words that do not say where it is used', async () => {
      const { owner } = await team();
      const stranger = await newOwner(api);
      const chosen = randomUUID();
      await newKey(owner, { key: chosen });
      for (const caller of [owner, stranger]) {
        const again = await createKey(caller, { name: uniqueName(), expires_at: 30, key: chosen });
        expect(again.status).toBe(409);
        expect((await readJson<ErrorJson>(again)).message).toBe(
          'this key cannot be used; leave it out and the server generates one',
        );
      }
    });

    it('refuses a role above the creator’s, and owner for anyone, with 403', async () => {
      const { owner, administrator } = await team();
      expect(
        (await createKey(administrator, { name: uniqueName(), expires_at: 30, role: 'owner' })).status,
      ).toBe(403);
      expect((await createKey(owner, { name: uniqueName(), expires_at: 30, role: 'owner' })).status).toBe(
        403,
      );
      const lower = await newKey(administrator, { role: 'operator' });
      expect(lower.role).toBe('operator');
    });
  });

  describe('GET /api/namespaces/api-key', () => {
    it('pages with page/per_page and X-Total-Count, sorts by expires_in desc by default and by sort_by', async () => {
      const { owner } = await team();
      await newKey(owner, { name: 'charlie', expires_at: -1 });
      await newKey(owner, { name: 'alpha', expires_at: 365 });
      await newKey(owner, { name: 'bravo', expires_at: 30 });

      const byDefault = await listKeys(owner);
      expect(byDefault.total).toBe('3');
      expect(byDefault.keys.map((key) => key.name)).toEqual(['alpha', 'bravo', 'charlie']);

      const firstPage = await listKeys(owner, '?page=1&per_page=2&sort_by=name&order_by=desc');
      expect(firstPage.total).toBe('3');
      expect(firstPage.keys.map((key) => key.name)).toEqual(['charlie', 'bravo']);
      const secondPage = await listKeys(owner, '?page=2&per_page=2&sort_by=name&order_by=desc');
      expect(secondPage.keys.map((key) => key.name)).toEqual(['alpha']);

      const ascending = await listKeys(owner, '?sort_by=expires_in&order_by=asc');
      expect(ascending.keys.map((key) => key.name)).toEqual(['charlie', 'bravo', 'alpha']);
    });

    it('lists only the caller’s namespace', async () => {
      const first = await newOwner(api);
      const second = await newOwner(api);
      await newKey(first, { name: 'mine-only' });
      const { keys, total } = await listKeys(second);
      expect(keys).toEqual([]);
      expect(total).toBe('0');
    });

    it.each([
      ['sort_by', '?sort_by=created_by'],
      ['order_by', '?order_by=sideways'],
      ['per_page', '?per_page=101'],
      ['page', '?page=0'],
    ])('refuses an invalid %s with 400', async (field, query) => {
      const owner = await newOwner(api);
      const response = await call(owner, `/api/namespaces/api-key${query}`);
      expect(response.status).toBe(400);
      expect((await readJson<ErrorJson>(response)).message).toContain(field);
    });
  });

  describe('PATCH /api/namespaces/api-key/{key}', () => {
    it('renames a key and changes its role; the key keeps working under its new name', async () => {
      const { owner, administrator } = await team();
      const key = await newKey(owner, { name: 'old-name' });

      const renamed = await call(administrator, '/api/namespaces/api-key/old-name', 'PATCH', {
        name: 'new-name',
        role: 'observer',
      });
      expect(renamed.status).toBe(200);
      const { keys } = await listKeys(owner);
      expect(keys).toEqual([expect.objectContaining({ name: 'new-name', role: 'observer' })]);
      expect(
        (await call(owner, '/api/namespaces/api-key/old-name', 'PATCH', { role: 'operator' })).status,
      ).toBe(404);

      const used = await call({ apiKey: key.id }, '/api/devices');
      expect(used.status).toBe(200);
      expect(used.headers.get('x-role')).toBe('observer');
    });

    it('refuses a role above the caller’s or owner (403), a taken name (409), an invalid name (400)', async () => {
      const { owner, administrator } = await team();
      await newKey(owner, { name: 'first-key', role: 'observer' });
      await newKey(owner, { name: 'second-key' });

      const path = '/api/namespaces/api-key/first-key';
      expect((await call(administrator, path, 'PATCH', { role: 'owner' })).status).toBe(403);
      expect((await call(owner, path, 'PATCH', { role: 'owner' })).status).toBe(403);
      expect((await call(owner, path, 'PATCH', { name: 'second-key' })).status).toBe(409);
      const invalid = await call(owner, path, 'PATCH', { name: 'no spaces allowed' });
      expect(invalid.status).toBe(400);
      expect((await readJson<ErrorJson>(invalid)).message).toContain('name');
      expect((await listKeys(owner)).keys.find((key) => key.name === 'first-key')?.role).toBe('observer');
    });

    it('answers 404 for another namespace’s key and leaves it unchanged', async () => {
      const first = await newOwner(api);
      const second = await newOwner(api);
      await newKey(first, { name: 'not-yours', role: 'observer' });
      const response = await call(second, '/api/namespaces/api-key/not-yours', 'PATCH', {
        role: 'administrator',
      });
      expect(response.status).toBe(404);
      expect((await listKeys(first)).keys[0]?.role).toBe('observer');
    });
  });

  describe('DELETE /api/namespaces/api-key/{key}', () => {
    it('deletes a key, which stops working at once', async () => {
      const { owner, administrator } = await team();
      const key = await newKey(owner, { name: 'short-lived' });
      expect((await call({ apiKey: key.id }, '/api/devices')).status).toBe(200);

      expect((await call(administrator, '/api/namespaces/api-key/short-lived', 'DELETE')).status).toBe(200);
      expect((await call({ apiKey: key.id }, '/api/devices')).status).toBe(401);
      expect((await listKeys(owner)).keys).toEqual([]);
      expect((await call(owner, '/api/namespaces/api-key/short-lived', 'DELETE')).status).toBe(404);
    });

    it('answers 404 for another namespace’s key and leaves it working', async () => {
      const first = await newOwner(api);
      const second = await newOwner(api);
      const key = await newKey(first, { name: 'keep-me' });
      expect((await call(second, '/api/namespaces/api-key/keep-me', 'DELETE')).status).toBe(404);
      expect((await call({ apiKey: key.id }, '/api/devices')).status).toBe(200);
    });
  });

  describe('authentication and the role matrix', () => {
    const routes = [
      ['POST', '/api/namespaces/api-key', { name: 'x-key', expires_at: 30 }],
      ['GET', '/api/namespaces/api-key', undefined],
      ['PATCH', '/api/namespaces/api-key/some-key', { role: 'observer' }],
      ['DELETE', '/api/namespaces/api-key/some-key', undefined],
    ] as const;

    it.each(routes)(
      '%s %s without credentials, or with an unknown key, is 401',
      async (method, path, body) => {
        expect((await call(null, path, method, body)).status).toBe(401);
        expect((await call({ apiKey: randomUUID() }, path, method, body)).status).toBe(401);
      },
    );

    it.each(roles)('lets the %s do what the matrix says', async (role) => {
      const members = await team();
      const caller = members[role];
      const may = managers.includes(role);
      await newKey(members.owner, { name: 'target-key' });

      const created = await createKey(caller, { name: uniqueName(), expires_at: 30, role: 'observer' });
      expect(created.status).toBe(may ? 200 : 403);
      expect((await call(caller, '/api/namespaces/api-key')).status).toBe(200);
      const updated = await call(caller, '/api/namespaces/api-key/target-key', 'PATCH', { role: 'observer' });
      expect(updated.status).toBe(may ? 200 : 403);
      const deleted = await call(caller, '/api/namespaces/api-key/target-key', 'DELETE');
      expect(deleted.status).toBe(may ? 200 : 403);
    });
  });

  describe('using a key', () => {
    it('reads with X-API-KEY, answers X-Tenant-ID and X-Role, and prefers the key over a user token', async () => {
      const { owner } = await team();
      const other = await newOwner(api);
      const key = await newKey(owner, { role: 'operator' });

      const devices = await call({ apiKey: key.id }, '/api/devices');
      expect(devices.status).toBe(200);
      expect(devices.headers.get('x-tenant-id')).toBe(owner.tenantId);
      expect(devices.headers.get('x-role')).toBe('operator');
      expect(devices.headers.get('x-total-count')).toBe('0');

      const namespace = await call({ apiKey: key.id }, `/api/namespaces/${owner.tenantId}`);
      expect(namespace.status).toBe(200);
      expect((await call({ apiKey: key.id }, '/api/namespaces/api-key')).status).toBe(200);

      // Both credentials: the key wins, so the caller acts in the key's namespace, not the token's.
      const both = await call({ apiKey: key.id, authorization: other.authorization }, '/api/devices');
      expect(both.status).toBe(200);
      expect(both.headers.get('x-tenant-id')).toBe(owner.tenantId);
      const wrongKey = await call(
        { apiKey: randomUUID(), authorization: other.authorization },
        '/api/devices',
      );
      expect(wrongKey.status).toBe(401);
    });

    it('is refused with 403 on mutations the matrix blocks for keys, even with the role for them', async () => {
      const { owner } = await team();
      const key = await newKey(owner, { role: 'administrator' });
      const asKey = { apiKey: key.id };
      const blocked: Array<[string, string, unknown]> = [
        ['PATCH', `/api/devices/${'a'.repeat(64)}/accept`, undefined],
        ['DELETE', `/api/devices/${'a'.repeat(64)}`, undefined],
        ['PUT', `/api/namespaces/${owner.tenantId}`, { name: 'renamed' }],
        ['DELETE', `/api/namespaces/${owner.tenantId}`, undefined],
        [
          'POST',
          `/api/namespaces/${owner.tenantId}/members`,
          { email: 'someone@example.test', role: 'observer' },
        ],
        // Leaving has no permission; the guard blocks keys from writes that have none.
        ['DELETE', `/api/namespaces/${owner.tenantId}/members`, undefined],
        [
          'POST',
          '/api/sshkeys/public-keys',
          { data: 'x', filter: { hostname: '.*' }, name: 'k', username: '' },
        ],
      ];
      for (const [method, path, body] of blocked) {
        const response = await call(asKey, path, method, body);
        expect({ method, path, status: response.status }).toEqual({ method, path, status: 403 });
      }
      // The owner's own token still may.
      expect(
        (await call(owner, `/api/namespaces/${owner.tenantId}`, 'PUT', { name: 'renamed-ns' })).status,
      ).toBe(200);
    });

    it('cannot create, change or delete API keys (403), whatever its role', async () => {
      const { owner } = await team();
      const key = await newKey(owner, { name: 'admin-key', role: 'administrator' });
      const asKey = { apiKey: key.id };
      expect((await createKey(asKey, { name: uniqueName(), expires_at: 30 })).status).toBe(403);
      expect(
        (await call(asKey, '/api/namespaces/api-key/admin-key', 'PATCH', { role: 'observer' })).status,
      ).toBe(403);
      expect((await call(asKey, '/api/namespaces/api-key/admin-key', 'DELETE')).status).toBe(403);
      expect((await listKeys(owner)).keys).toEqual([
        expect.objectContaining({ name: 'admin-key', role: 'administrator' }),
      ]);
    });

    it('cannot use user-level routes (namespace list and create, token switch, who am I)', async () => {
      const { owner } = await team();
      const key = await newKey(owner);
      const asKey = { apiKey: key.id };
      expect((await call(asKey, '/api/namespaces')).status).toBe(403);
      expect((await call(asKey, '/api/namespaces', 'POST', { name: 'from-a-key' })).status).toBe(403);
      expect((await call(asKey, `/api/auth/token/${owner.tenantId}`)).status).toBe(403);
      expect((await call(asKey, '/api/auth/user')).status).toBe(403);
      // Even alongside a valid user token: the key is what the request is judged by.
      const both = await call(
        { ...asKey, authorization: owner.authorization },
        `/api/auth/token/${owner.tenantId}`,
      );
      expect(both.status).toBe(403);
    });

    it('is refused with 401 once expired', async () => {
      const { owner } = await team();
      const key = await newKey(owner, { name: 'expiring' });
      expect((await call({ apiKey: key.id }, '/api/devices')).status).toBe(200);

      await api.app.get(ApiKeysRepository).updateOne(
        tenantScope(owner.tenantId),
        { name: 'expiring' },
        {
          $set: { expires_in: Math.floor(Date.now() / 1000) - 1 },
        },
      );
      expect((await call({ apiKey: key.id }, '/api/devices')).status).toBe(401);
    });

    it('is refused with 401 once its creator is no longer a member of the namespace', async () => {
      const { owner, administrator } = await team();
      const key = await newKey(administrator);
      expect((await call({ apiKey: key.id }, '/api/devices')).status).toBe(200);

      const removed = await call(
        owner,
        `/api/namespaces/${owner.tenantId}/members/${administrator.userId}`,
        'DELETE',
      );
      expect(removed.status).toBe(200);
      expect((await call({ apiKey: key.id }, '/api/devices')).status).toBe(401);
    });

    it('acts with the lower of its role and its creator’s current role', async () => {
      const { owner, administrator } = await team();
      const key = await newKey(administrator, { role: 'administrator' });
      const before = await call({ apiKey: key.id }, '/api/devices');
      expect(before.headers.get('x-role')).toBe('administrator');

      const demoted = await call(
        owner,
        `/api/namespaces/${owner.tenantId}/members/${administrator.userId}`,
        'PATCH',
        {
          role: 'observer',
        },
      );
      expect(demoted.status).toBe(200);
      const after = await call({ apiKey: key.id }, '/api/devices');
      expect(after.status).toBe(200);
      expect(after.headers.get('x-role')).toBe('observer');
      // The stored role is unchanged: promoting the creator again restores it.
      expect((await listKeys(owner)).keys[0]?.role).toBe('administrator');
    });
  });
});
