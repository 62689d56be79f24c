import { loadApiConfig } from '@fleetgate/config';
import {
  arrangePresence,
  bootHttpApp,
  createTestContext,
  persist,
  type RunningHttpApp,
  serverEnvironment,
  type TestContext,
} from '@fleetgate/testing';
import { generateEd25519KeyPair } from '@fleetgate/public-keys';
import { createApiApplication } from '../../bootstrap';
import { temporaryKeyDirectory } from '../../testing/api-environment';
import { readJson } from '../../testing/http';
import { newMember, newOwner, type TestMember } from '../../testing/members';

describe('tags, device updates and stats', () => {
  let context: TestContext;
  let api: RunningHttpApp;
  let keys: ReturnType<typeof temporaryKeyDirectory>;
  let owner: TestMember;

  const call = (member: TestMember, method: string, path: string, body?: unknown) =>
    fetch(`${api.url}${path}`, {
      method,
      headers: { authorization: member.authorization, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const device = (uid: string) => context.models.devices.findOne({ uid }).lean();

  beforeAll(async () => {
    context = await createTestContext(__filename);
    keys = temporaryKeyDirectory();
    api = await bootHttpApp(() => createApiApplication(loadApiConfig(serverEnvironment(context, { PLATFORM_KEY_DIR: keys.path }))));
    owner = await newOwner(api);
  });
  afterAll(async () => {
    await api?.close();
    await context.close();
    keys.remove();
  });

  it('adds, replaces and removes a device’s tags, at most three', async () => {
    const { uid } = await persist.device(context.connection, { tenant_id: owner.tenantId });
    expect((await call(owner, 'POST', `/api/devices/${uid}/tags`, { tag: 'kitchen' })).status).toBe(200);
    expect((await call(owner, 'POST', `/api/devices/${uid}/tags`, { tag: 'kitchen' })).status).toBe(409);
    expect((await call(owner, 'PUT', `/api/devices/${uid}/tags`, { tags: ['garage', 'office', 'attic'] })).status).toBe(200);
    expect((await device(uid))?.tags).toEqual(['garage', 'office', 'attic']);
    const fourth = await call(owner, 'POST', `/api/devices/${uid}/tags`, { tag: 'cellar' });
    expect(fourth.status).toBe(400);
    expect((await readJson<{ message: string }>(fourth)).message).toMatch(/at most 3 tags/);
    expect((await call(owner, 'PUT', `/api/devices/${uid}/tags`, { tags: ['a1b', 'b2c', 'c3d', 'd4e'] })).status).toBe(400);
    expect((await call(owner, 'POST', `/api/devices/${uid}/tags`, { tag: 'no' })).status).toBe(400);
    expect((await call(owner, 'DELETE', `/api/devices/${uid}/tags/office`)).status).toBe(200);
    expect((await call(owner, 'DELETE', `/api/devices/${uid}/tags/office`)).status).toBe(404);
    expect((await device(uid))?.tags).toEqual(['garage', 'attic']);
  });

  it('renames and deletes a tag across devices, public keys and firewall rules', async () => {
    const tenant = (await newOwner(api)) as TestMember;
    const first = await persist.device(context.connection, { tenant_id: tenant.tenantId, tags: ['blue', 'red'] });
    const second = await persist.device(context.connection, { tenant_id: tenant.tenantId, tags: ['blue'] });
    await context.models.publicKeys.create({
      tenant_id: tenant.tenantId, fingerprint: 'aa', data: 'x', name: 'k', username: '', filter: { tags: ['blue'] },
    });
    await context.models.firewallRules.create({
      id: 'f'.repeat(24), tenant_id: tenant.tenantId, action: 'deny', active: true, priority: 1, source_ip: '.*', username: '.*', filter: { tags: ['blue', 'green'] },
    });
    const other = await persist.device(context.connection, { tenant_id: owner.tenantId, tags: ['blue'] });

    const listed = await call(tenant, 'GET', '/api/tags');
    expect(await readJson(listed)).toEqual(['blue', 'green', 'red']);
    expect(listed.headers.get('x-total-count')).toBe('3');

    expect((await call(tenant, 'PUT', '/api/tags/blue', { tag: 'navy' })).status).toBe(200);
    expect((await device(first.uid))?.tags.sort()).toEqual(['navy', 'red']);
    expect((await device(second.uid))?.tags).toEqual(['navy']);
    expect((await context.models.publicKeys.findOne({ tenant_id: tenant.tenantId }).lean())?.filter).toEqual({ tags: ['navy'] });
    expect((await device(other.uid))?.tags).toEqual(['blue']);

    expect((await call(tenant, 'DELETE', '/api/tags/navy')).status).toBe(200);
    expect((await device(first.uid))?.tags).toEqual(['red']);
    const rule = await context.models.firewallRules.findOne({ tenant_id: tenant.tenantId }).lean();
    expect((rule as { filter: { tags: string[] } } | null)?.filter.tags).toEqual(['green']);
    expect((await call(tenant, 'DELETE', '/api/tags/navy')).status).toBe(404);
    expect(await readJson(await call(owner, 'GET', '/api/tags'))).toContain('blue');
  });

  it('never leaves a key or rule open to every device when its last tag goes (docs/adr/0006-empty-tag-filters.md)', async () => {
    const tenant = (await newOwner(api)) as TestMember;
    await persist.device(context.connection, { tenant_id: tenant.tenantId, tags: ['lab'] });
    const key = await readJson<{ fingerprint: string }>(
      await call(tenant, 'POST', '/api/sshkeys/public-keys', {
        data: Buffer.from(generateEd25519KeyPair().public).toString('base64'),
        filter: { tags: ['lab'] },
        name: 'lab key',
        username: '.*',
      }),
    );
    const allow = await readJson<{ id: string }>(
      await call(tenant, 'POST', '/api/firewall/rules', {
        action: 'allow', active: true, priority: 1, source_ip: '.*', username: '.*', filter: { tags: ['lab'] },
      }),
    );
    const keyPath = `/api/sshkeys/public-keys/${key.fingerprint}`;
    const rulePath = `/api/firewall/rules/${allow.id}`;

    // Through their own routes the last tag cannot be removed: a filter has 1 to 3 tags.
    const lastOfKey = await call(tenant, 'DELETE', `${keyPath}/tags/lab`);
    expect(lastOfKey.status).toBe(400);
    expect((await readJson<{ message: string }>(lastOfKey)).message).toMatch(/last tag/);
    expect((await call(tenant, 'DELETE', `${rulePath}/tags/lab`)).status).toBe(400);
    expect((await call(tenant, 'POST', '/api/sshkeys/public-keys', {
      data: Buffer.from(generateEd25519KeyPair().public).toString('base64'), filter: { tags: [] }, name: 'empty', username: '',
    })).status).toBe(400);
    expect((await call(tenant, 'POST', '/api/firewall/rules', {
      action: 'allow', active: true, priority: 2, source_ip: '.*', username: '.*', filter: { tags: [] },
    })).status).toBe(400);

    // Deleting the tag from the namespace leaves empty filters, which match no device; the rule also turns inactive.
    expect((await call(tenant, 'DELETE', '/api/tags/lab')).status).toBe(200);
    expect(await readJson(await call(tenant, 'GET', rulePath))).toMatchObject({ active: false, filter: { tags: [] } });
    const stored = await context.models.publicKeys.findOne({ tenant_id: tenant.tenantId }).lean();
    expect((stored as { filter: unknown } | null)?.filter).toEqual({ tags: [] });
  });

  it('renames a device (unique in the namespace), switches its public URL, deletes it; operators may not delete', async () => {
    const { uid } = await persist.device(context.connection, { tenant_id: owner.tenantId, name: 'old-name' });
    await persist.device(context.connection, { tenant_id: owner.tenantId, name: 'taken' });
    expect((await call(owner, 'PUT', `/api/devices/${uid}`, { name: 'New-Name', public_url: true })).status).toBe(200);
    expect(await device(uid)).toMatchObject({ name: 'new-name', public_url: true });
    expect((await call(owner, 'PUT', `/api/devices/${uid}`, { name: 'taken' })).status).toBe(409);
    expect((await call(owner, 'PUT', `/api/devices/${uid}`, { name: 'not valid!' })).status).toBe(400);
    const operator = await newMember(api, owner.tenantId, 'operator');
    expect((await call(operator, 'DELETE', `/api/devices/${uid}`)).status).toBe(403);
    const stranger = await newOwner(api);
    expect((await call(stranger, 'DELETE', `/api/devices/${uid}`)).status).toBe(404);
    expect((await call(owner, 'DELETE', `/api/devices/${uid}`)).status).toBe(200);
    expect(await device(uid)).toBeNull();
  });

  it('counts the namespace’s devices for /api/stats', async () => {
    const tenant = await newOwner(api);
    const online = await persist.device(context.connection, { tenant_id: tenant.tenantId, status: 'accepted', last_seen: new Date() });
    const expired = await persist.device(context.connection, { tenant_id: tenant.tenantId, status: 'accepted', last_seen: new Date() });
    const pending = await persist.device(context.connection, { tenant_id: tenant.tenantId, status: 'pending' });
    await persist.device(context.connection, { tenant_id: tenant.tenantId, status: 'rejected' });
    // Online is counted in Redis: a live presence counts, an expired one (a dead gateway's) does not, and an online
    // device that is not accepted does not either (ShellHub counts accepted devices only).
    await arrangePresence(context, tenant.tenantId, [online.uid, pending.uid]);
    await arrangePresence(context, tenant.tenantId, [expired.uid], Date.now() - 1_000);
    expect(await readJson(await call(tenant, 'GET', '/api/stats'))).toEqual({
      registered_devices: 2,
      online_devices: 1,
      pending_devices: 1,
      rejected_devices: 1,
      active_sessions: 0,
    });
  });
});

describe('public key and firewall rule updates and their tag filters', () => {
  let context: TestContext;
  let api: RunningHttpApp;
  let keys: ReturnType<typeof temporaryKeyDirectory>;
  let owner: TestMember;

  const call = (member: TestMember, method: string, path: string, body?: unknown) =>
    fetch(`${api.url}${path}`, {
      method,
      headers: { authorization: member.authorization, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    context = await createTestContext(`${__filename}#filters`);
    keys = temporaryKeyDirectory();
    api = await bootHttpApp(() => createApiApplication(loadApiConfig(serverEnvironment(context, { PLATFORM_KEY_DIR: keys.path }))));
    owner = await newOwner(api);
  });
  afterAll(async () => {
    await api?.close();
    await context.close();
    keys.remove();
  });

  it('updates and deletes a public key, and manages its filter tags', async () => {
    const blob = generateEd25519KeyPair().public;
    const created = await readJson<{ fingerprint: string }>(
      await call(owner, 'POST', '/api/sshkeys/public-keys', {
        data: Buffer.from(blob).toString('base64'),
        filter: { hostname: '.*' },
        name: 'laptop',
        username: '.*',
      }),
    );
    const path = `/api/sshkeys/public-keys/${created.fingerprint}`;
    expect((await call(owner, 'POST', `${path}/tags`, { tag: 'kitchen' })).status).toBe(400);
    const updated = await call(owner, 'PUT', path, { name: 'desk', username: '^pi$', filter: { tags: ['kitchen'] } });
    expect(await readJson(updated)).toMatchObject({ name: 'desk', username: '^pi$', filter: { tags: ['kitchen'] } });
    expect((await call(owner, 'PUT', path, { name: 'desk', username: '(', filter: { tags: ['kitchen'] } })).status).toBe(400);
    expect((await call(owner, 'POST', `${path}/tags`, { tag: 'garage' })).status).toBe(200);
    expect((await call(owner, 'POST', `${path}/tags`, { tag: 'garage' })).status).toBe(409);
    expect((await call(owner, 'DELETE', `${path}/tags/kitchen`)).status).toBe(200);
    expect((await call(owner, 'PUT', `${path}/tags`, { tags: ['office', 'attic'] })).status).toBe(200);
    expect(await readJson(await call(owner, 'GET', '/api/tags'))).toEqual(['attic', 'office']);
    expect((await call(await newOwner(api), 'DELETE', path)).status).toBe(404);
    expect((await call(owner, 'DELETE', path)).status).toBe(200);
    expect((await call(owner, 'DELETE', path)).status).toBe(404);
    expect((await call(owner, 'PUT', '/api/sshkeys/public-keys/not-a-fingerprint', { name: 'x', username: '', filter: { hostname: '.*' } })).status).toBe(400);
  });

  it('manages a firewall rule’s filter tags', async () => {
    const rule = await readJson<{ id: string }>(
      await call(owner, 'POST', '/api/firewall/rules', {
        action: 'deny', active: true, priority: 3, source_ip: '.*', username: '.*', filter: { tags: ['kitchen'] },
      }),
    );
    const path = `/api/firewall/rules/${rule.id}`;
    expect((await call(owner, 'POST', `${path}/tags`, { tag: 'garage' })).status).toBe(200);
    expect(await readJson(await call(owner, 'GET', path))).toMatchObject({ filter: { tags: ['kitchen', 'garage'] } });
    expect((await call(owner, 'DELETE', `${path}/tags/kitchen`)).status).toBe(200);
    expect((await call(owner, 'POST', `${path}/tags`, { tag: 'attic' })).status).toBe(200);
    // The contract's form names the tag in the body.
    expect((await call(owner, 'DELETE', `${path}/tags`, { tag: 'attic' })).status).toBe(200);
    expect((await call(owner, 'DELETE', `${path}/tags`, { tag: 'attic' })).status).toBe(404);
    expect((await call(owner, 'DELETE', `${path}/tags`, {})).status).toBe(400);
    expect(await readJson(await call(owner, 'GET', path))).toMatchObject({ filter: { tags: ['garage'] } });
    expect((await call(owner, 'PUT', `${path}/tags`, { tags: [] })).status).toBe(400);
    expect((await call(owner, 'GET', '/api/firewall/rules/123')).status).toBe(400);
    expect((await call(await newOwner(api), 'POST', `${path}/tags`, { tag: 'attic' })).status).toBe(404);
  });
});
