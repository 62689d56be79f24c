import { type DeviceDocument } from '@fleetgate/data-access';
import { DeviceAdmissionRepository, type TunnelRevocation } from '@fleetgate/queue';
import { arrangePresence, createTestContext, persist, type RunningHttpApp, type TestContext } from '@fleetgate/testing';
import { startApi } from '../../testing/api-environment';
import { readJson } from '../../testing/http';
import { newMember, newOwner, type TestMember } from '../../testing/members';

/** The fields these tests read from a device in a response. */
interface DeviceJson {
  name: string;
  status: string;
  online: boolean;
  acceptable: boolean;
  status_updated_at: string;
}

const names = async (response: Response) =>
  (await readJson<DeviceJson[]>(response)).map((device) => device.name);

describe('devices: list, get and status changes', () => {
  let context: TestContext;
  let api: RunningHttpApp;
  let owner: TestMember & { namespace: string };

  const call = (member: TestMember, path: string, method = 'GET') =>
    fetch(`${api.url}${path}`, { method, headers: { authorization: member.authorization } });
  const deviceOf = (member: TestMember, overrides: Partial<DeviceDocument> = {}) =>
    persist.device(context.connection, { ...overrides, tenant_id: member.tenantId });

  beforeAll(async () => {
    context = await createTestContext(__filename);
    api = await startApi(context);
    owner = await newOwner(api);
  });
  afterEach(() => context.models.devices.deleteMany({}));
  afterAll(async () => {
    await api?.close();
    await context.close();
  });

  it('pages the namespace’s devices, newest last_seen first, with the total in X-Total-Count', async () => {
    const minute = 60_000;
    for (let index = 0; index < 12; index++) {
      await deviceOf(owner, { name: `device-${index}`, last_seen: new Date(Date.now() - index * minute) });
    }
    await persist.device(context.connection, {
      tenant_id: (await newOwner(api)).tenantId,
      name: 'someone-elses',
    });

    const first = await call(owner, '/api/devices?page=1&per_page=5');
    expect(first.status).toBe(200);
    expect(first.headers.get('x-total-count')).toBe('12');
    expect(await names(first)).toEqual(['device-0', 'device-1', 'device-2', 'device-3', 'device-4']);

    const last = await call(owner, '/api/devices?page=3&per_page=5');
    expect(last.headers.get('x-total-count')).toBe('12');
    expect(await names(last)).toEqual(['device-10', 'device-11']);

    const byDefault = await call(owner, '/api/devices');
    expect(await names(byDefault)).toHaveLength(10);
    expect(await names(await call(owner, '/api/devices?sort_by=name&order_by=asc&per_page=2'))).toEqual([
      'device-0',
      'device-1',
    ]);
  });

  it('filters by status', async () => {
    await deviceOf(owner, { status: 'accepted' });
    await deviceOf(owner, { status: 'pending' });
    await deviceOf(owner, { status: 'pending' });
    const response = await call(owner, '/api/devices?status=pending');
    expect(response.headers.get('x-total-count')).toBe('2');
    expect((await readJson<DeviceJson[]>(response)).every((device) => device.status === 'pending')).toBe(
      true,
    );
  });

  it.each([
    ['page 0', '?page=0'],
    ['per_page above 100', '?per_page=101'],
    ['an unknown status', '?status=sleeping'],
    ['an unknown sort field', '?sort_by=tenant_id'],
    [
      'a filter on a property outside the allow-list',
      `?filter=${encodeURIComponent(Buffer.from(JSON.stringify([{ type: 'property', params: { name: '$where', operator: 'eq', value: '1' } }])).toString('base64'))}`,
    ],
    ['a filter that is not base64 JSON', '?filter=not-json'],
    ['an unknown parameter', '?tenant_id=x'],
  ])('refuses %s with a 400', async (_case, query) => {
    expect((await call(owner, `/api/devices${query}`)).status).toBe(400);
  });

  it('reads empty list parameters as absent, as ShellHub does: the exact request its clients send', async () => {
    await deviceOf(owner, { name: 'kitchen-pi', status: 'accepted' });
    await deviceOf(owner, { name: 'garage-pi', status: 'pending' });
    await deviceOf(owner, {
      name: 'web',
      info: { id: 'docker', pretty_name: 'nginx:1.27', version: '0.1.0', arch: 'x86_64', platform: 'connector' },
    });

    const devices = await call(owner, '/api/devices?filter=&page=1&per_page=10&status=');
    expect(devices.status).toBe(200);
    expect(devices.headers.get('x-total-count')).toBe('2');
    expect((await names(devices)).sort()).toEqual(['garage-pi', 'kitchen-pi']);

    const containers = await call(owner, '/api/containers?filter=&page=1&per_page=10&status=');
    expect(containers.status).toBe(200);
    expect(await names(containers)).toEqual(['web']);

    const everyEmpty = await call(owner, '/api/devices?filter=&page=&per_page=&status=&sort_by=&order_by=');
    expect(everyEmpty.status).toBe(200);
    expect(everyEmpty.headers.get('x-total-count')).toBe('2');
    // Empty is absent, not a wildcard: a value that is there is still checked.
    expect((await call(owner, '/api/devices?status=sleeping&filter=')).status).toBe(400);
  });

  it('filters with ShellHub’s filter language: the web UI’s name search, over HTTP', async () => {
    for (const name of ['device-1', 'device-10', 'device-11', 'device-2', 'kitchen-pi'])
      await deviceOf(owner, { name });
    await persist.device(context.connection, {
      tenant_id: (await newOwner(api)).tenantId,
      name: 'device-12',
    });
    const search = Buffer.from(
      JSON.stringify([
        { type: 'property', params: { name: 'name', operator: 'contains', value: 'DEVICE-1' } },
      ]),
    ).toString('base64');
    const response = await call(
      owner,
      `/api/devices?filter=${encodeURIComponent(search)}&sort_by=name&order_by=asc`,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('x-total-count')).toBe('3');
    expect(await names(response)).toEqual(['device-1', 'device-10', 'device-11']);
  });

  it('returns a device in ShellHub’s shape, online only while a gateway keeps its presence fresh', async () => {
    const recent = await deviceOf(owner, {
      last_seen: new Date(Date.now() - 30_000),
      tags: ['kitchen'],
    });
    const stale = await deviceOf(owner, { last_seen: new Date(Date.now() - 30_000) });
    const never = await deviceOf(owner, { last_seen: new Date() });
    await arrangePresence(context, owner.tenantId, [recent.uid]);
    // The gateway that held this one died: its presence expired and nobody removed it.
    await arrangePresence(context, owner.tenantId, [stale.uid], Date.now() - 1_000);

    const response = await call(owner, `/api/devices/${recent.uid}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      uid: recent.uid,
      name: recent.name,
      identity: { mac: recent.identity.mac },
      info: recent.info,
      public_key: recent.public_key,
      tenant_id: owner.tenantId,
      last_seen: recent.last_seen.toISOString(),
      online: true,
      namespace: owner.namespace,
      status: 'pending',
      status_updated_at: recent.status_updated_at.toISOString(),
      created_at: recent.created_at?.toISOString(),
      remote_addr: recent.remote_addr,
      position: null,
      tags: ['kitchen'],
      public_url: false,
      acceptable: true,
      host_key_changed: false,
      presented_host_key_fingerprint: null,
    });
    expect((await readJson<DeviceJson>(await call(owner, `/api/devices/${stale.uid}`))).online).toBe(false);
    // A recent last_seen alone (a registration, say) never makes a device online.
    expect((await readJson<DeviceJson>(await call(owner, `/api/devices/${never.uid}`))).online).toBe(false);
  });

  it('reads online from Redis for a page, and filters on it', async () => {
    const devices = [];
    for (let index = 0; index < 6; index++) devices.push(await deviceOf(owner, { name: `presence-${index}` }));
    await arrangePresence(context, owner.tenantId, [devices[1].uid, devices[4].uid]);
    await arrangePresence(context, owner.tenantId, [devices[2].uid], Date.now() - 1_000);

    const listed = await readJson<(DeviceJson & { uid: string })[]>(await call(owner, '/api/devices?sort_by=name&order_by=asc'));
    expect(listed.map((device) => [device.name, device.online])).toEqual([
      ['presence-0', false],
      ['presence-1', true],
      ['presence-2', false],
      ['presence-3', false],
      ['presence-4', true],
      ['presence-5', false],
    ]);
    const filter = (online: boolean) =>
      encodeURIComponent(Buffer.from(JSON.stringify([{ type: 'property', params: { name: 'online', operator: 'bool', value: online } }])).toString('base64'));
    expect(await names(await call(owner, `/api/devices?sort_by=name&order_by=asc&filter=${filter(true)}`))).toEqual(['presence-1', 'presence-4']);
    expect(await names(await call(owner, `/api/devices?sort_by=name&order_by=asc&filter=${filter(false)}`))).toEqual([
      'presence-0',
      'presence-2',
      'presence-3',
      'presence-5',
    ]);
  });

  it('accepts a pending device, once', async () => {
    const device = await deviceOf(owner);
    const accepted = await call(owner, `/api/devices/${device.uid}/accept`, 'PATCH');
    expect(accepted.status).toBe(200);
    const shown = await readJson<DeviceJson>(await call(owner, `/api/devices/${device.uid}`));
    expect(shown).toMatchObject({ status: 'accepted', acceptable: false });
    expect(new Date(shown.status_updated_at).getTime()).toBeGreaterThan(device.status_updated_at.getTime());

    expect((await call(owner, `/api/devices/${device.uid}/accept`, 'PATCH')).status).toBe(400);
    expect((await call(owner, `/api/devices/${device.uid}/pending`, 'PATCH')).status).toBe(400);
  });

  it('moves a device between pending and rejected through /{status}, and refuses the statuses not set by hand', async () => {
    const device = await deviceOf(owner);
    expect((await call(owner, `/api/devices/${device.uid}/reject`, 'PATCH')).status).toBe(200);
    expect((await readJson<DeviceJson>(await call(owner, `/api/devices/${device.uid}`))).status).toBe(
      'rejected',
    );
    expect((await call(owner, `/api/devices/${device.uid}/pending`, 'PATCH')).status).toBe(200);
    expect((await call(owner, `/api/devices/${device.uid}/remove`, 'PATCH')).status).toBe(400);
    expect((await call(owner, `/api/devices/${device.uid}/unused`, 'PATCH')).status).toBe(400);
    expect((await call(owner, `/api/devices/${device.uid}/sleep`, 'PATCH')).status).toBe(400);
    expect((await call(owner, `/api/devices/${device.uid}/accept`, 'PATCH')).status).toBe(200);
  });

  it('tells gateways what they need to admit tunnels: each status change in Redis, rejections and deletions at once', async () => {
    const admission = api.app.get(DeviceAdmissionRepository);
    const revocations: TunnelRevocation[] = [];
    const unsubscribe = await admission.subscribe((revocation) => revocations.push(revocation));
    try {
      const device = await deviceOf(owner);
      const stateOf = async () => (await admission.lookup(owner.tenantId, device.uid)).state;
      expect((await call(owner, `/api/devices/${device.uid}/reject`, 'PATCH')).status).toBe(200);
      expect(await stateOf()).toBe('rejected');
      expect((await call(owner, `/api/devices/${device.uid}/pending`, 'PATCH')).status).toBe(200);
      expect(await stateOf()).toBe('pending');
      expect((await call(owner, `/api/devices/${device.uid}/accept`, 'PATCH')).status).toBe(200);
      expect(await stateOf()).toBe('accepted');
      expect((await call(owner, `/api/devices/${device.uid}`, 'DELETE')).status).toBe(200);
      expect(await stateOf()).toBe('deleted');

      for (let waited = 0; revocations.length < 2 && waited < 5_000; waited += 20) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(revocations).toEqual([
        { tenantId: owner.tenantId, uid: device.uid, reason: 'device rejected' },
        { tenantId: owner.tenantId, uid: device.uid, reason: 'device deleted' },
      ]);
    } finally {
      unsubscribe();
    }
  });

  it('never shows or changes another namespace’s device: 404', async () => {
    const stranger = await newOwner(api);
    const theirs = await deviceOf(stranger);
    expect((await call(owner, `/api/devices/${theirs.uid}`)).status).toBe(404);
    expect((await call(owner, `/api/devices/${theirs.uid}/accept`, 'PATCH')).status).toBe(404);
    expect((await call(owner, `/api/devices/${theirs.uid}/reject`, 'PATCH')).status).toBe(404);
    expect((await readJson<DeviceJson>(await call(stranger, `/api/devices/${theirs.uid}`))).status).toBe(
      'pending',
    );
  });

  it('answers 400 for a malformed uid and 404 for an unknown one', async () => {
    expect((await call(owner, '/api/devices/not-a-uid')).status).toBe(400);
    expect((await call(owner, `/api/devices/${'0'.repeat(64)}`)).status).toBe(404);
  });

  it('lets observers read but not accept, and operators accept', async () => {
    const observer = await newMember(api, owner.tenantId, 'observer');
    const operator = await newMember(api, owner.tenantId, 'operator');
    const device = await deviceOf(owner);
    expect((await call(observer, `/api/devices/${device.uid}`)).status).toBe(200);
    expect((await call(observer, `/api/devices/${device.uid}/accept`, 'PATCH')).status).toBe(403);
    expect((await call(operator, `/api/devices/${device.uid}/accept`, 'PATCH')).status).toBe(200);
  });

  it('refuses to accept beyond the namespace’s device limit', async () => {
    const limited = await newOwner(api);
    await context.models.namespaces
      .updateOne({ tenant_id: limited.tenantId }, { $set: { max_devices: 1 } });
    await deviceOf(limited, { status: 'accepted' });
    const waiting = await deviceOf(limited);
    expect((await readJson<DeviceJson>(await call(limited, `/api/devices/${waiting.uid}`))).acceptable).toBe(
      false,
    );
    expect((await call(limited, `/api/devices/${waiting.uid}/accept`, 'PATCH')).status).toBe(403);
  });

  describe('containers: devices whose agent runs in connector mode, listed apart', () => {
    const containerOf = (member: TestMember, overrides: Partial<DeviceDocument> = {}) =>
      deviceOf(member, {
        ...overrides,
        info: { id: 'docker', pretty_name: 'nginx:1.27', version: '0.1.0', arch: 'x86_64', platform: 'connector' },
      });
    const send = (member: TestMember, path: string, method: string, body: unknown) =>
      fetch(`${api.url}${path}`, {
        method,
        headers: { authorization: member.authorization, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    it('lists containers under /api/containers only, and devices under /api/devices only', async () => {
      await deviceOf(owner, { name: 'kitchen-pi' });
      await containerOf(owner, { name: 'web' });
      await containerOf(owner, { name: 'db' });
      await containerOf(await newOwner(api), { name: 'someone-elses' });

      const devices = await call(owner, '/api/devices');
      expect(devices.headers.get('x-total-count')).toBe('1');
      expect(await names(devices)).toEqual(['kitchen-pi']);

      const containers = await call(owner, '/api/containers?sort_by=name&order_by=asc');
      expect(containers.status).toBe(200);
      expect(containers.headers.get('x-total-count')).toBe('2');
      expect(await names(containers)).toEqual(['db', 'web']);
    });

    it('gets, renames, tags, accepts and deletes a container; a plain device is not a container', async () => {
      const container = await containerOf(owner, { name: 'web' });
      const device = await deviceOf(owner, { name: 'kitchen-pi' });
      const path = `/api/containers/${container.uid}`;

      expect((await readJson<DeviceJson>(await call(owner, path))).name).toBe('web');
      expect((await call(owner, `/api/containers/${device.uid}`)).status).toBe(404);
      expect((await call(owner, `/api/containers/${device.uid}/accept`, 'PATCH')).status).toBe(404);
      // ShellHub's device routes reach containers too (a session's device may be one).
      expect((await call(owner, `/api/devices/${container.uid}`)).status).toBe(200);

      expect((await send(owner, path, 'PUT', { name: 'frontend' })).status).toBe(200);
      expect((await send(owner, `${path}/tags`, 'POST', { tag: 'prod' })).status).toBe(200);
      expect((await send(owner, `${path}/tags`, 'PUT', { tags: ['prod', 'europe'] })).status).toBe(200);
      expect((await call(owner, `${path}/tags/europe`, 'DELETE')).status).toBe(200);
      expect((await call(owner, `${path}/accept`, 'PATCH')).status).toBe(200);
      const changed = await readJson<DeviceJson & { tags: string[] }>(await call(owner, path));
      expect(changed).toMatchObject({ name: 'frontend', status: 'accepted', tags: ['prod'] });

      expect((await call(owner, path, 'DELETE')).status).toBe(200);
      expect((await call(owner, path)).status).toBe(404);
      expect((await call(owner, `/api/devices/${device.uid}`)).status).toBe(200);
    });

    it('applies the role matrix and hides another namespace’s containers', async () => {
      const container = await containerOf(owner, { name: 'web' });
      const path = `/api/containers/${container.uid}`;
      const observer = await newMember(api, owner.tenantId, 'observer');
      const operator = await newMember(api, owner.tenantId, 'operator');
      const administrator = await newMember(api, owner.tenantId, 'administrator');
      const stranger = await newOwner(api);

      expect((await call(observer, '/api/containers')).status).toBe(200);
      expect((await call(observer, path)).status).toBe(200);
      expect((await send(observer, path, 'PUT', { name: 'renamed' })).status).toBe(403);
      expect((await send(observer, `${path}/tags`, 'POST', { tag: 'prod' })).status).toBe(403);
      expect((await call(observer, `${path}/accept`, 'PATCH')).status).toBe(403);
      expect((await call(operator, path, 'DELETE')).status).toBe(403);
      expect((await send(operator, `${path}/tags`, 'POST', { tag: 'prod' })).status).toBe(200);
      expect((await call(operator, `${path}/accept`, 'PATCH')).status).toBe(200);

      expect((await call(stranger, path)).status).toBe(404);
      expect((await call(stranger, path, 'DELETE')).status).toBe(404);
      expect(await names(await call(stranger, '/api/containers'))).toEqual([]);
      expect((await fetch(`${api.url}/api/containers`)).status).toBe(401);

      expect((await call(administrator, path, 'DELETE')).status).toBe(200);
    });
  });
});
