import { randomBytes, randomUUID } from 'node:crypto';
import { UsersRepository } from '@fleetgate/data-access';
import { createTestContext, persist, type RunningHttpApp, type TestContext } from '@fleetgate/testing';
import { startApi } from '../../testing/api-environment';
import { readJson } from '../../testing/http';
import { newMember, newOwner, postLogin, type TestMember } from '../../testing/members';

interface Call {
  method: string;
  path: string;
  body?: unknown;
}

/** Every instance administration route, with a request that an instance administrator may make. */
const adminRoutes: Array<[string, Call]> = [
  ['GET /admin/api/host-keys', { method: 'GET', path: '/admin/api/host-keys' }],
  ['POST /admin/api/host-keys/{algorithm}', { method: 'POST', path: '/admin/api/host-keys/ed25519', body: {} }],
  ['PATCH /admin/api/host-keys/{algorithm}', { method: 'PATCH', path: '/admin/api/host-keys/ed25519', body: { enabled: true } }],
  ['GET /admin/api/connections', { method: 'GET', path: '/admin/api/connections' }],
  ['DELETE /admin/api/connections/{id}', { method: 'DELETE', path: '/admin/api/connections/nobody.0000' }],
  ['GET /admin/api/status', { method: 'GET', path: '/admin/api/status' }],
  ['GET /admin/api/audit-log', { method: 'GET', path: '/admin/api/audit-log' }],
];

const filterOf = (items: unknown[]) => Buffer.from(JSON.stringify(items)).toString('base64');

describe('instance administration (/admin/api)', () => {
  let context: TestContext;
  let api: RunningHttpApp;
  let owner: TestMember;
  let namespaceAdmin: TestMember;
  let instanceAdmin: TestMember;

  const send = (url: string, { method, path, body }: Call, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const as = (member: TestMember, call: Call, headers: Record<string, string> = {}) =>
    send(api.url, call, { authorization: member.authorization, ...headers });

  beforeAll(async () => {
    context = await createTestContext(__filename);
    api = await startApi(context);
    owner = await newOwner(api);
    namespaceAdmin = await newMember(api, owner.tenantId, 'administrator');
    instanceAdmin = await newOwner(api);
    await api.app.get(UsersRepository).setAdminByUsername(instanceAdmin.username, true);
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await context?.close();
  });

  it('refuses a namespace owner and a namespace administrator on every route, and asks for credentials without any', async () => {
    const seen: Record<string, number[]> = {};
    for (const [route, call] of adminRoutes) {
      seen[route] = [(await as(owner, call)).status, (await as(namespaceAdmin, call)).status, (await send(api.url, call)).status];
    }
    expect(seen).toEqual(Object.fromEntries(adminRoutes.map(([route]) => [route, [403, 403, 401]])));
  }, 60_000);

  it('refuses a namespace API key', async () => {
    const created = await as(owner, { method: 'POST', path: '/api/namespaces/api-key', body: { name: 'admin-try', expires_at: -1, role: 'administrator' } });
    expect(created.status).toBe(200);
    const { id } = await readJson<{ id: string }>(created);
    const response = await send(api.url, { method: 'GET', path: '/admin/api/status' }, { 'x-api-key': id });
    expect(response.status).toBe(403);
  });

  it('lets an instance administrator through on every route', async () => {
    const seen: Record<string, string> = {};
    for (const [route, call] of adminRoutes) {
      const status = (await as(instanceAdmin, call)).status;
      seen[route] = status === 401 || status === 403 || status >= 500 ? `refused (${status})` : 'let through';
    }
    expect(seen).toEqual(Object.fromEntries(adminRoutes.map(([route]) => [route, 'let through'])));
  }, 120_000);

  it('accepts only the allowed admin client addresses, and believes X-Real-IP only from a trusted proxy', async () => {
    const elsewhere = await startApi(context, { ADMIN_ALLOWED_CLIENTS: '192.0.2.0/24' });
    const behindProxy = await startApi(context, { ADMIN_ALLOWED_CLIENTS: '192.0.2.0/24', TRUSTED_PROXIES: '127.0.0.1/32' });
    try {
      const status = { method: 'GET', path: '/admin/api/status' };
      // Each API instance of the test has platform keys of its own: log in to each.
      const tokenFrom = async (instance: RunningHttpApp) => {
        const response = await postLogin(instance, { username: instanceAdmin.username, password: instanceAdmin.password });
        return { authorization: `Bearer ${(await readJson<{ token: string }>(response)).token}` };
      };
      const elsewhereHeaders = await tokenFrom(elsewhere);
      const proxiedHeaders = await tokenFrom(behindProxy);
      expect((await send(elsewhere.url, status, elsewhereHeaders)).status).toBe(403);
      // A client cannot pick its address: the header counts only from a configured proxy.
      expect((await send(elsewhere.url, status, { ...elsewhereHeaders, 'x-real-ip': '192.0.2.5', 'x-forwarded-for': '192.0.2.5' })).status).toBe(403);
      expect((await send(behindProxy.url, status, { ...proxiedHeaders, 'x-real-ip': '192.0.2.5' })).status).toBe(200);
      expect((await send(behindProxy.url, status, { ...proxiedHeaders, 'x-real-ip': '198.51.100.5' })).status).toBe(403);
    } finally {
      await elsewhere.close();
      await behindProxy.close();
    }
  }, 60_000);

  it('generates, rotates, enables and disables host keys, validating what it is given', async () => {
    const call = (method: string, path: string, body?: unknown) => as(instanceAdmin, { method, path, body });
    expect((await call('POST', '/admin/api/host-keys/rsa', { bits: 1024 })).status).toBe(400);
    expect((await call('POST', '/admin/api/host-keys/dsa', {})).status).toBe(400);
    expect((await call('PATCH', '/admin/api/host-keys/rsa', { enabled: 'yes' })).status).toBe(400);
    expect((await call('PATCH', '/admin/api/host-keys/rsa', { enabled: false })).status).toBe(404);

    const rsa = await call('POST', '/admin/api/host-keys/rsa', { bits: 2048 });
    expect(rsa.status).toBe(200);
    expect(await readJson(rsa)).toMatchObject({ algorithm: 'rsa', bits: 2048, enabled: true, fingerprint: expect.stringMatching(/^SHA256:/) });
    const before = await readJson<Array<{ algorithm: string; fingerprint: string }>>(await call('GET', '/admin/api/host-keys'));
    const rotated = await readJson<{ fingerprint: string }>(await call('POST', '/admin/api/host-keys/ed25519', {}));
    const again = await readJson<{ fingerprint: string }>(await call('POST', '/admin/api/host-keys/ed25519', {}));
    expect(again.fingerprint).not.toBe(rotated.fingerprint);
    const listed = await readJson<Array<{ algorithm: string; enabled: boolean; fingerprint: string }>>(await call('GET', '/admin/api/host-keys'));
    expect(listed.find((key) => key.algorithm === 'ed25519')?.fingerprint).toBe(again.fingerprint);
    expect(listed.find((key) => key.algorithm === 'rsa')?.fingerprint).toBe(before.find((key) => key.algorithm === 'rsa')?.fingerprint);
    expect(JSON.stringify(listed)).not.toMatch(/PRIVATE|sealed/i);

    expect((await call('PATCH', '/admin/api/host-keys/ed25519', { enabled: false })).status).toBe(200);
    const last = await call('PATCH', '/admin/api/host-keys/rsa', { enabled: false });
    expect(last.status).toBe(400);
    expect(await last.text()).toMatch(/last enabled host key/);
  }, 120_000);

  it('documents every admin route, and refuses a namespace owner on every documented one', async () => {
    const document = await readJson<{ paths: Record<string, Record<string, unknown>> }>(await fetch(`${api.url}/api/openapi.json`));
    const documented = Object.entries(document.paths)
      .filter(([path]) => path.startsWith('/admin/api'))
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
    expect(documented).toEqual(expect.arrayContaining(adminRoutes.map(([route]) => route)));
    // Whatever else is served under /admin/api (instance settings, say) is behind the same guard: the guard runs
    // before any parameter is validated, so placeholder parameters do.
    const statuses = await Promise.all(
      documented.map(async (route) => {
        const [method, path] = route.split(' ');
        const response = await as(owner, { method, path: path.replace(/\{[^}]+\}/g, 'x'), body: method === 'GET' ? undefined : {} });
        return [route, response.status] as const;
      }),
    );
    expect(Object.fromEntries(statuses)).toEqual(Object.fromEntries(documented.map((route) => [route, 403])));
  });

  describe('namespace routes', () => {
    it('lists the namespace’s own audit events only, paged with X-Total-Count and filtered', async () => {
      const other = randomUUID();
      const event = (tenantId: string, kind: string, index: number) => ({
        id: randomBytes(12).toString('hex'),
        tenant_id: tenantId,
        kind,
        reason: `event ${index}`,
        username: 'root',
        address: '192.0.2.7',
        device: 'uid',
        at: new Date(Date.now() - index * 1000),
      });
      await context.models.auditEvents.insertMany([
        ...[0, 1, 2].map((index) => event(owner.tenantId, index === 0 ? 'login' : 'refused', index)),
        event(other, 'login', 9),
      ]);
      const all = await as(owner, { method: 'GET', path: '/api/audit-log?per_page=2' });
      expect(all.status).toBe(200);
      expect(all.headers.get('x-total-count')).toBe('3');
      expect((await readJson<Array<{ reason: string }>>(all)).map((item) => item.reason)).toEqual(['event 0', 'event 1']);
      const filter = filterOf([{ type: 'property', params: { name: 'kind', operator: 'eq', value: 'login' } }]);
      const logins = await readJson<Array<{ tenant_id: string }>>(await as(owner, { method: 'GET', path: `/api/audit-log?filter=${filter}` }));
      expect(logins).toEqual([expect.objectContaining({ tenant_id: owner.tenantId, kind: 'login' })]);
      expect((await as(owner, { method: 'GET', path: `/api/audit-log?filter=${filterOf([{ type: 'property', params: { name: 'tenant_id', operator: 'eq', value: other } }])}` })).status).toBe(400);

      const instanceWide = await as(instanceAdmin, { method: 'GET', path: `/admin/api/audit-log?filter=${filter}` });
      expect(instanceWide.headers.get('x-total-count')).toBe('2');
    });

    it('shows a changed device host key, filters devices on it, and accepts the change', async () => {
      const presented = randomBytes(51).toString('base64');
      const changed = await persist.device(context.connection, {
        tenant_id: owner.tenantId,
        name: 'changed-pi',
        status: 'accepted',
        host_key_changed: true,
        presented_host_key: presented,
        host_key_changed_at: new Date(),
      });
      await persist.device(context.connection, { tenant_id: owner.tenantId, name: 'steady-pi', status: 'accepted' });
      const filter = filterOf([{ type: 'property', params: { name: 'host_key_changed', operator: 'bool', value: true } }]);
      const listed = await readJson<Array<{ name: string; host_key_changed: boolean; presented_host_key_fingerprint: string }>>(
        await as(owner, { method: 'GET', path: `/api/devices?filter=${filter}` }),
      );
      expect(listed).toEqual([expect.objectContaining({ name: 'changed-pi', host_key_changed: true, presented_host_key_fingerprint: expect.stringMatching(/^SHA256:/) })]);

      const accepted = await as(owner, { method: 'POST', path: `/api/devices/${changed.uid}/host-key/accept` });
      expect(accepted.status).toBe(200);
      expect(await readJson(accepted)).toMatchObject({ host_key_changed: false, presented_host_key_fingerprint: null });
      const stored = await context.models.devices.findOne({ uid: changed.uid }).lean();
      expect(stored).toMatchObject({ pinned_host_key: presented, host_key_changed: false });
      expect(stored?.presented_host_key).toBeUndefined();
      expect((await as(owner, { method: 'POST', path: `/api/devices/${changed.uid}/host-key/accept` })).status).toBe(400);

      const stranger = await newOwner(api);
      expect((await as(stranger, { method: 'POST', path: `/api/devices/${changed.uid}/host-key/accept` })).status).toBe(404);
    });
  });
});
