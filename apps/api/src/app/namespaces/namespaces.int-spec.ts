import { randomBytes, randomUUID } from 'node:crypto';
import { CleanupJobName, QueueName } from '@fleetgate/contracts';
import { MembershipsRepository, tenantScope, UsersRepository } from '@fleetgate/data-access';
import { PasswordHashingService } from '@fleetgate/identity';
import { DeviceAdmissionRepository, QueueProducer, type TunnelRevocation } from '@fleetgate/queue';
import { createTestContext, persist, type RunningHttpApp, type TestContext } from '@fleetgate/testing';
import { startApi } from '../../testing/api-environment';
import { readJson } from '../../testing/http';
import { newMember, newOwner, postLogin, type TestMember } from '../../testing/members';

interface NamespaceJson {
  name: string;
  owner: string;
  tenant_id: string;
  members: Array<{ id: string; role: string; status: string; email?: string; added_at: string }>;
  settings: { session_record: boolean; connection_announcement: string; session_record_input: boolean; session_record_retention_days: number };
  max_devices: number;
  device_count: number;
  created_at: string;
  billing: null;
}

interface Caller {
  authorization: string;
  userId: string;
  /** Sent as X-Tenant-ID when set. */
  tenantId?: string;
}

const roles = ['owner', 'administrator', 'operator', 'observer'] as const;
const randomName = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;
const base64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

describe('namespaces: create, list, get, edit, delete', () => {
  let context: TestContext;
  let api: RunningHttpApp;

  const call = (caller: Caller | null, path: string, method = 'GET', body?: unknown) =>
    fetch(`${api.url}${path}`, {
      method,
      headers: {
        ...(caller ? { authorization: caller.authorization } : {}),
        ...(caller?.tenantId ? { 'x-tenant-id': caller.tenantId } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  /** A confirmed user in no namespace, logged in (their token names no tenant). */
  const newUser = async (maxNamespaces = -1): Promise<Caller & { username: string; email: string }> => {
    const username = randomName('user');
    const password = 'correct horse battery';
    const email = `${username}@example.test`;
    const user = await api.app.get(UsersRepository).create({
      id: randomUUID(),
      name: username,
      username,
      email,
      password_hash: await api.app.get(PasswordHashingService).hash(password),
      status: 'confirmed',
      max_namespaces: maxNamespaces,
    });
    const login = await readJson<{ token: string; tenant: string }>(
      await postLogin(api, { username, password }),
    );
    expect(login.tenant).toBe('');
    return { authorization: `Bearer ${login.token}`, userId: user.id, username, email };
  };

  const createNamespace = async (caller: Caller, name = randomName('ns')): Promise<NamespaceJson> => {
    const response = await call(caller, '/api/namespaces', 'POST', { name });
    expect(response.status).toBe(200);
    return readJson<NamespaceJson>(response);
  };

  /** An owner and one member of each other role in a fresh namespace. */
  const team = async () => {
    const owner = await newOwner(api);
    const members: Record<(typeof roles)[number], TestMember> = {
      owner,
      administrator: await newMember(api, owner.tenantId, 'administrator'),
      operator: await newMember(api, owner.tenantId, 'operator'),
      observer: await newMember(api, owner.tenantId, 'observer'),
    };
    return { owner, members };
  };

  beforeAll(async () => {
    context = await createTestContext(__filename);
    api = await startApi(context);
  });
  afterAll(async () => {
    await api?.close();
    await context.close();
  });

  describe('POST /api/namespaces', () => {
    it('creates a namespace owned by the caller, lower-casing the name, in ShellHub’s shape', async () => {
      const user = await newUser();
      const name = randomName('Kitchen');
      const response = await call(user, '/api/namespaces', 'POST', { name });
      expect(response.status).toBe(200);
      const created = await readJson<NamespaceJson>(response);
      expect(created).toEqual({
        name: name.toLowerCase(),
        owner: user.userId,
        tenant_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        members: [
          {
            id: user.userId,
            role: 'owner',
            status: 'accepted',
            email: user.email,
            added_at: expect.any(String),
          },
        ],
        settings: { session_record: true, connection_announcement: '', session_record_input: false, session_record_retention_days: 0 },
        max_devices: -1,
        device_count: 0,
        created_at: expect.any(String),
        billing: null,
      });
      // The creator's token names no tenant; X-Tenant-ID selects the new namespace.
      const shown = await call(
        { ...user, tenantId: created.tenant_id },
        `/api/namespaces/${created.tenant_id}`,
      );
      expect(shown.status).toBe(200);
    });

    it.each([
      ['no name', {}],
      ['a name too short', { name: 'ab' }],
      ['a name with a dot', { name: 'kitchen.pi' }],
      ['a name with a space', { name: 'kitchen pi' }],
      ['a name ending in "-"', { name: 'kitchen-' }],
      ['a name too long', { name: 'a'.repeat(31) }],
      ['a number', { name: 12345 }],
      ['an unknown field', { name: 'kitchen-ok', tenant_id: randomUUID() }],
    ])('refuses %s with a 400 naming the field', async (_case, body) => {
      const response = await call(await newUser(), '/api/namespaces', 'POST', body);
      expect(response.status).toBe(400);
      expect((await readJson<{ message: string }>(response)).message).toMatch(/name|tenant_id/);
    });

    it('refuses a name that exists, in any case, with a 409', async () => {
      const first = await createNamespace(await newUser());
      const response = await call(await newUser(), '/api/namespaces', 'POST', {
        name: first.name.toUpperCase(),
      });
      expect(response.status).toBe(409);
    });

    it('enforces max_namespaces: 0 creates none, N owns at most N (403)', async () => {
      expect(
        (await call(await newUser(0), '/api/namespaces', 'POST', { name: randomName('ns') })).status,
      ).toBe(403);
      const limited = await newUser(1);
      await createNamespace(limited);
      expect((await call(limited, '/api/namespaces', 'POST', { name: randomName('ns') })).status).toBe(403);
    });

    it('answers 401 without or with a bad token', async () => {
      expect((await call(null, '/api/namespaces', 'POST', { name: randomName('ns') })).status).toBe(401);
      const forged = { authorization: 'Bearer not.a.token', userId: 'x' };
      expect((await call(forged, '/api/namespaces', 'POST', { name: randomName('ns') })).status).toBe(401);
    });
  });

  describe('GET /api/namespaces', () => {
    it('lists only the caller’s accepted namespaces, paged, with X-Total-Count', async () => {
      const user = await newUser();
      const prefix = randomName('list');
      for (let index = 0; index < 3; index++) await createNamespace(user, `${prefix}-${index}`);
      // Someone else's namespace, and one where the caller is only invited: neither is listed.
      const stranger = await newOwner(api);
      await api.app.get(MembershipsRepository).create(tenantScope(stranger.tenantId), {
        user_id: user.userId,
        role: 'observer',
        status: 'pending',
      });

      const first = await call(user, '/api/namespaces?page=1&per_page=2');
      expect(first.status).toBe(200);
      expect(first.headers.get('x-total-count')).toBe('3');
      expect((await readJson<NamespaceJson[]>(first)).map((ns) => ns.name)).toEqual([
        `${prefix}-0`,
        `${prefix}-1`,
      ]);
      const second = await call(user, '/api/namespaces?page=2&per_page=2');
      expect((await readJson<NamespaceJson[]>(second)).map((ns) => ns.name)).toEqual([`${prefix}-2`]);
    });

    it('filters by name with ShellHub’s base64 filter, and accepts an empty one', async () => {
      const user = await newUser();
      await createNamespace(user, randomName('alpha'));
      await createNamespace(user, randomName('beta'));
      const filter = base64([
        { type: 'property', params: { name: 'name', operator: 'contains', value: 'alpha' } },
      ]);
      const response = await call(user, `/api/namespaces?filter=${encodeURIComponent(filter)}`);
      expect(response.headers.get('x-total-count')).toBe('1');
      expect((await readJson<NamespaceJson[]>(response))[0]?.name).toMatch(/^alpha-/);
      expect((await call(user, '/api/namespaces?filter=')).headers.get('x-total-count')).toBe('2');
    });

    it.each([
      ['page 0', '?page=0'],
      ['per_page above 100', '?per_page=101'],
      ['a filter that is not base64', '?filter=%%%'],
      ['a filter that is not JSON', `?filter=${Buffer.from('nope').toString('base64')}`],
      [
        'a filter on another property',
        `?filter=${encodeURIComponent(base64([{ type: 'property', params: { name: 'tenant_id', operator: 'eq', value: 'x' } }]))}`,
      ],
      ['an unknown parameter', '?owner=x'],
    ])('refuses %s with a 400', async (_case, query) => {
      expect((await call(await newUser(), `/api/namespaces${query}`)).status).toBe(400);
    });

    it('answers 401 without a token', async () => {
      expect((await call(null, '/api/namespaces')).status).toBe(401);
    });
  });

  describe('GET /api/namespaces/{tenant}', () => {
    it('shows every role the namespace with its members’ e-mails and accepted device count', async () => {
      const { owner, members } = await team();
      await persist.device(context.connection, { tenant_id: owner.tenantId, status: 'accepted' });
      await persist.device(context.connection, { tenant_id: owner.tenantId, status: 'pending' });
      for (const role of roles) {
        const response = await call(members[role], `/api/namespaces/${owner.tenantId}`);
        expect(response.status).toBe(200);
        const shown = await readJson<NamespaceJson>(response);
        expect(shown).toMatchObject({
          name: owner.namespace,
          owner: owner.userId,
          tenant_id: owner.tenantId,
          device_count: 1,
        });
        expect(shown.members.map((member) => [member.role, member.email])).toEqual(
          roles.map((each) => [each, `${members[each].username}@example.test`]),
        );
      }
    });

    it('never shows another namespace: 404 for a tenant the caller does not act in, 403 when selecting it', async () => {
      const owner = await newOwner(api);
      const stranger = await newOwner(api);
      const response = await call(owner, `/api/namespaces/${stranger.tenantId}`);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain(stranger.namespace);
      expect(
        (await call({ ...owner, tenantId: stranger.tenantId }, `/api/namespaces/${stranger.tenantId}`))
          .status,
      ).toBe(403);
      expect((await call(owner, `/api/namespaces/${randomUUID()}`)).status).toBe(404);
    });

    it('answers 400 for a malformed tenant and 401 without a token', async () => {
      const owner = await newOwner(api);
      expect((await call(owner, '/api/namespaces/not-a-uuid')).status).toBe(400);
      expect((await call(null, `/api/namespaces/${owner.tenantId}`)).status).toBe(401);
    });
  });

  describe('PUT /api/namespaces/{tenant}', () => {
    it('lets the owner and administrators rename and change settings, not operators or observers', async () => {
      const { owner, members } = await team();
      const expected = { owner: 200, administrator: 200, operator: 403, observer: 403 } as const;
      for (const role of roles) {
        const name = randomName('renamed');
        const response = await call(members[role], `/api/namespaces/${owner.tenantId}`, 'PUT', {
          name,
          settings: { session_record: false, connection_announcement: `hello from ${role}` },
        });
        expect([role, response.status]).toEqual([role, expected[role]]);
        if (expected[role] === 200) {
          expect(await readJson<NamespaceJson>(response)).toMatchObject({
            name,
            settings: { session_record: false, connection_announcement: `hello from ${role}` },
          });
        }
      }
    });

    it('changes only what is sent', async () => {
      const owner = await newOwner(api);
      const response = await call(owner, `/api/namespaces/${owner.tenantId}`, 'PUT', {
        settings: { session_record: false },
      });
      expect(await readJson<NamespaceJson>(response)).toMatchObject({
        name: owner.namespace,
        settings: { session_record: false, connection_announcement: '' },
      });
      const stored = await context.models.namespaces
        .findOne({ tenant_id: owner.tenantId })
        .lean();
      expect(stored).toMatchObject({ name: owner.namespace, settings: { session_record: false } });
    });

    it('sets the recording settings: input recording and the namespace’s own retention', async () => {
      const owner = await newOwner(api);
      const response = await call(owner, `/api/namespaces/${owner.tenantId}`, 'PUT', {
        settings: { session_record_input: true, session_record_retention_days: 7 },
      });
      expect(await readJson<NamespaceJson>(response)).toMatchObject({
        settings: { session_record: true, session_record_input: true, session_record_retention_days: 7 },
      });
    });

    it.each([
      ['a bad name', { name: 'no.dots' }],
      ['a non-boolean session_record', { settings: { session_record: 'yes' } }],
      ['an announcement over 4096 characters', { settings: { connection_announcement: 'x'.repeat(4097) } }],
      ['a negative recording retention', { settings: { session_record_retention_days: -1 } }],
      ['a fractional recording retention', { settings: { session_record_retention_days: 1.5 } }],
      ['a non-boolean session_record_input', { settings: { session_record_input: 'yes' } }],
      ['an unknown setting', { settings: { max_devices: 10 } }],
      ['an unknown field', { max_devices: 10 }],
    ])('refuses %s with a 400', async (_case, body) => {
      const owner = await newOwner(api);
      expect((await call(owner, `/api/namespaces/${owner.tenantId}`, 'PUT', body)).status).toBe(400);
    });

    it('refuses a name another namespace has (409) and another tenant (404)', async () => {
      const owner = await newOwner(api);
      const other = await newOwner(api);
      expect(
        (await call(owner, `/api/namespaces/${owner.tenantId}`, 'PUT', { name: other.namespace })).status,
      ).toBe(409);
      expect(
        (await call(owner, `/api/namespaces/${other.tenantId}`, 'PUT', { name: randomName('x') })).status,
      ).toBe(404);
      expect(
        (await call(null, `/api/namespaces/${owner.tenantId}`, 'PUT', { name: randomName('x') })).status,
      ).toBe(401);
    });
  });

  describe('DELETE /api/namespaces/{tenant}', () => {
    it('is for the owner only', async () => {
      const { owner, members } = await team();
      for (const role of ['administrator', 'operator', 'observer'] as const) {
        expect([
          role,
          (await call(members[role], `/api/namespaces/${owner.tenantId}`, 'DELETE')).status,
        ]).toEqual([role, 403]);
      }
      expect((await call(null, `/api/namespaces/${owner.tenantId}`, 'DELETE')).status).toBe(401);
    });

    it('deletes the namespace and its memberships at once, revokes access, and enqueues the contents’ deletion', async () => {
      const { owner, members } = await team();
      const device = await persist.device(context.connection, { tenant_id: owner.tenantId });

      const response = await call(owner, `/api/namespaces/${owner.tenantId}`, 'DELETE');
      expect(response.status).toBe(200);

      expect(
        await context.models.namespaces.countDocuments({ tenant_id: owner.tenantId }),
      ).toBe(0);
      expect(
        await context.models.memberships.countDocuments({ tenant_id: owner.tenantId }),
      ).toBe(0);
      // Users are not tenant-owned: they stay.
      expect(await context.models.users.countDocuments({ id: members.observer.userId })).toBe(
        1,
      );
      for (const role of roles) {
        expect((await call(members[role], `/api/namespaces/${owner.tenantId}`)).status).toBe(403);
        expect((await call(members[role], `/api/devices/${device.uid}`)).status).toBe(403);
      }

      const jobs = await api.app.get(QueueProducer).queueFor(QueueName.Cleanup).getJobs();
      const job = jobs.find((each) => each.id === `delete-namespace-contents-${owner.tenantId}`);
      expect(job?.name).toBe(CleanupJobName.DeleteNamespaceContents);
      expect(job?.data).toEqual({ tenantId: owner.tenantId });
    });

    it('tells gateways at once: the tenant is refused in Redis and its tunnels are revoked', async () => {
      const owner = await newOwner(api);
      const device = await persist.device(context.connection, { tenant_id: owner.tenantId, status: 'accepted' });
      const admission = api.app.get(DeviceAdmissionRepository);
      const revocations: TunnelRevocation[] = [];
      const unsubscribe = await admission.subscribe((revocation) => revocations.push(revocation));
      try {
        expect((await call(owner, `/api/namespaces/${owner.tenantId}`, 'DELETE')).status).toBe(200);
        expect((await admission.lookup(owner.tenantId, device.uid)).tenantDeleted).toBe(true);
        for (let waited = 0; revocations.length === 0 && waited < 5_000; waited += 20) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        expect(revocations).toEqual([{ tenantId: owner.tenantId, reason: 'namespace deleted' }]);
      } finally {
        unsubscribe();
      }
    });

    it('never deletes another namespace: 404', async () => {
      const owner = await newOwner(api);
      const stranger = await newOwner(api);
      expect((await call(owner, `/api/namespaces/${stranger.tenantId}`, 'DELETE')).status).toBe(404);
      expect(
        await context.models.namespaces.countDocuments({ tenant_id: stranger.tenantId }),
      ).toBe(1);
    });
  });
});
