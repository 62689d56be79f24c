import { randomBytes, randomUUID } from 'node:crypto';
import { loadApiConfig } from '@fleetgate/config';
import { EmailJobName, type EmailJobPayload, QueueName } from '@fleetgate/contracts';
import { UsersRepository } from '@fleetgate/data-access';
import { PasswordHashingService } from '@fleetgate/identity';
import { QueueProducer } from '@fleetgate/queue';
import {
  bootHttpApp,
  createTestContext,
  type RunningHttpApp,
  serverEnvironment,
  type TestContext,
} from '@fleetgate/testing';
import { createApiApplication } from '../../bootstrap';
import { temporaryKeyDirectory } from '../../testing/api-environment';
import { readJson } from '../../testing/http';
import { newMember, newOwner, postLogin, type TestMember } from '../../testing/members';

interface NamespaceJson {
  tenant_id: string;
  members: Array<{ id: string; role: string; status: string; email?: string }>;
}

interface Caller {
  authorization: string;
  userId: string;
  /** Sent as X-Tenant-ID when set. */
  tenantId?: string;
}

interface Invitation {
  payload: EmailJobPayload;
  link: URL;
  sig: string;
}

const roles = ['owner', 'administrator', 'operator', 'observer'] as const;
type Role = (typeof roles)[number];
const randomName = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

describe('members: invite, accept, look up, change role, remove, leave', () => {
  let context: TestContext;
  let api: RunningHttpApp;
  let keys: ReturnType<typeof temporaryKeyDirectory>;

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

  /** A confirmed user in no namespace, logged in. */
  const newUser = async (): Promise<Caller & { email: string }> => {
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
      max_namespaces: -1,
    });
    const login = await readJson<{ token: string }>(await postLogin(api, { username, password }));
    return { authorization: `Bearer ${login.token}`, userId: user.id, email };
  };

  const team = async () => {
    const owner = await newOwner(api);
    const members: Record<Role, TestMember> = {
      owner,
      administrator: await newMember(api, owner.tenantId, 'administrator'),
      operator: await newMember(api, owner.tenantId, 'operator'),
      observer: await newMember(api, owner.tenantId, 'observer'),
    };
    return { owner, members };
  };

  /** The invitation e-mails enqueued for `to`, oldest first. */
  const invitationsTo = async (to: string): Promise<Invitation[]> => {
    const jobs = await api.app.get(QueueProducer).queueFor(QueueName.Email).getJobs();
    return jobs
      .filter((job) => job.name === EmailJobName.Send && (job.data as EmailJobPayload).to === to)
      .sort((a, b) => a.timestamp - b.timestamp)
      .map((job) => {
        const payload = job.data as EmailJobPayload;
        const link = new URL(payload.variables['link'] ?? '');
        return { payload, link, sig: link.searchParams.get('sig') ?? '' };
      });
  };

  const invite = (caller: Caller, tenantId: string, email: string, role: Role = 'observer') =>
    call(caller, `/api/namespaces/${tenantId}/members`, 'POST', { email, role });

  const membership = (tenantId: string, userId: string) =>
    context.models.memberships.findOne({ tenant_id: tenantId, user_id: userId }).lean();

  beforeAll(async () => {
    context = await createTestContext(__filename);
    keys = temporaryKeyDirectory();
    api = await bootHttpApp(() =>
      createApiApplication(
        loadApiConfig(
          serverEnvironment(context, {
            PLATFORM_KEY_DIR: keys.path,
            PUBLIC_UI_URL: 'https://fleetgate.example/',
          }),
        ),
      ),
    );
  });
  afterAll(async () => {
    await api?.close();
    await context.close();
    keys.remove();
  });

  describe('POST /api/namespaces/{tenant}/members', () => {
    it('adds an existing user as pending and enqueues the invitation e-mail with a signed link', async () => {
      const { owner, members } = await team();
      const invitee = await newUser();
      const response = await invite(
        members.administrator,
        owner.tenantId,
        invitee.email.toUpperCase(),
        'operator',
      );
      expect(response.status).toBe(200);
      const namespace = await readJson<NamespaceJson>(response);
      expect(namespace.members).toContainEqual(
        expect.objectContaining({
          id: invitee.userId,
          role: 'operator',
          status: 'pending',
          email: invitee.email,
        }),
      );

      const [sent, ...more] = await invitationsTo(invitee.email);
      expect(more).toHaveLength(0);
      expect(sent?.payload).toEqual({
        template: 'namespace-invitation',
        to: invitee.email,
        variables: {
          namespace: owner.namespace,
          inviter: members.administrator.username,
          link: expect.any(String),
        },
      });
      expect(sent?.link.origin + sent?.link.pathname).toBe('https://fleetgate.example/accept-invite');
      expect(sent?.link.searchParams.get('tenant-id')).toBe(owner.tenantId);
      expect(sent?.link.searchParams.get('user-id')).toBe(invitee.userId);
      expect(sent?.sig.length).toBeGreaterThan(20);

      // Pending is not a membership: the invitee cannot act in the namespace yet.
      expect(
        (await call({ ...invitee, tenantId: owner.tenantId }, `/api/namespaces/${owner.tenantId}`)).status,
      ).toBe(403);
    });

    it('invites an unknown address as a placeholder user whose status the signature reveals', async () => {
      const owner = await newOwner(api);
      const email = `${randomName('new')}@example.test`;
      expect((await invite(owner, owner.tenantId, email)).status).toBe(200);
      const user = await context.models.users
        .findOne({ email })
        .lean<{ id: string; status: string }>();
      expect(user?.status).toBe('invited');
      const [sent] = await invitationsTo(email);
      const lookup = await call(
        null,
        `/api/namespaces/${owner.tenantId}/members/${user?.id}/accept-invite?sig=${sent?.sig}`,
      );
      expect(lookup.status).toBe(200);
      expect(await lookup.json()).toEqual({ status: 'invited' });
      // The placeholder cannot log in.
      expect((await postLogin(api, { username: email, password: 'any password at all' })).status).toBe(401);
    });

    it('resends to a pending member with the new role, and refuses an accepted one (409)', async () => {
      const owner = await newOwner(api);
      const invitee = await newUser();
      await invite(owner, owner.tenantId, invitee.email, 'observer');
      expect((await invite(owner, owner.tenantId, invitee.email, 'administrator')).status).toBe(200);
      expect(await invitationsTo(invitee.email)).toHaveLength(2);
      expect(await membership(owner.tenantId, invitee.userId)).toMatchObject({
        role: 'administrator',
        status: 'pending',
      });

      const member = await newMember(api, owner.tenantId, 'observer');
      expect((await invite(owner, owner.tenantId, `${member.username}@example.test`)).status).toBe(409);
    });

    it('follows the role matrix: administrators and owners invite up to their own role, never an owner', async () => {
      const { owner, members } = await team();
      const expected: Record<Role, Record<Role, number>> = {
        owner: { owner: 403, administrator: 200, operator: 200, observer: 200 },
        administrator: { owner: 403, administrator: 200, operator: 200, observer: 200 },
        operator: { owner: 403, administrator: 403, operator: 403, observer: 403 },
        observer: { owner: 403, administrator: 403, operator: 403, observer: 403 },
      };
      for (const inviter of roles) {
        for (const role of roles) {
          const invitee = await newUser();
          const status = (await invite(members[inviter], owner.tenantId, invitee.email, role)).status;
          expect([inviter, role, status]).toEqual([inviter, role, expected[inviter][role]]);
        }
      }
    });

    it.each([
      ['no e-mail', { role: 'observer' }],
      ['a bad e-mail', { email: 'not-an-email', role: 'observer' }],
      ['no role', { email: 'someone@example.test' }],
      ['an unknown role', { email: 'someone@example.test', role: 'superuser' }],
      ['an unknown field', { email: 'someone@example.test', role: 'observer', status: 'accepted' }],
    ])('refuses %s with a 400', async (_case, body) => {
      const owner = await newOwner(api);
      expect((await call(owner, `/api/namespaces/${owner.tenantId}/members`, 'POST', body)).status).toBe(400);
    });

    it('answers 401 without a token and 404 for another namespace', async () => {
      const owner = await newOwner(api);
      const stranger = await newOwner(api);
      const email = `${randomName('x')}@example.test`;
      expect(
        (await call(null, `/api/namespaces/${owner.tenantId}/members`, 'POST', { email, role: 'observer' }))
          .status,
      ).toBe(401);
      expect((await invite(owner, stranger.tenantId, email)).status).toBe(404);
      expect(await context.models.users.countDocuments({ email })).toBe(0);
    });
  });

  describe('PATCH /api/namespaces/{tenant}/members/accept-invite', () => {
    it('makes the invited user an accepted member, once their signature checks out', async () => {
      const owner = await newOwner(api);
      const invitee = await newUser();
      await invite(owner, owner.tenantId, invitee.email, 'operator');
      const [sent] = await invitationsTo(invitee.email);
      const path = `/api/namespaces/${owner.tenantId}/members/accept-invite`;

      const response = await call(invitee, path, 'PATCH', { sig: sent?.sig });
      expect(response.status).toBe(200);
      expect(await membership(owner.tenantId, invitee.userId)).toMatchObject({
        role: 'operator',
        status: 'accepted',
      });
      expect(
        (await call({ ...invitee, tenantId: owner.tenantId }, `/api/namespaces/${owner.tenantId}`)).status,
      ).toBe(200);
      // Accepting again changes nothing.
      expect((await call(invitee, path, 'PATCH', { sig: sent?.sig })).status).toBe(200);
    });

    it('refuses another user’s signature (403), a forged or foreign one (400), none (400) and no token (401)', async () => {
      const owner = await newOwner(api);
      const other = await newOwner(api);
      const invitee = await newUser();
      await invite(owner, owner.tenantId, invitee.email);
      const [sent] = await invitationsTo(invitee.email);
      const path = `/api/namespaces/${owner.tenantId}/members/accept-invite`;

      expect((await call(await newUser(), path, 'PATCH', { sig: sent?.sig })).status).toBe(403);
      expect((await call(invitee, path, 'PATCH', { sig: `${sent?.sig}x` })).status).toBe(400);
      expect(
        (
          await call(invitee, `/api/namespaces/${other.tenantId}/members/accept-invite`, 'PATCH', {
            sig: sent?.sig,
          })
        ).status,
      ).toBe(400);
      expect((await call(invitee, path, 'PATCH', {})).status).toBe(400);
      expect((await call(null, path, 'PATCH', { sig: sent?.sig })).status).toBe(401);
      expect(await membership(owner.tenantId, invitee.userId)).toMatchObject({ status: 'pending' });
    });

    it('answers 404 once the invitation was withdrawn', async () => {
      const owner = await newOwner(api);
      const invitee = await newUser();
      await invite(owner, owner.tenantId, invitee.email);
      const [sent] = await invitationsTo(invitee.email);
      expect(
        (await call(owner, `/api/namespaces/${owner.tenantId}/members/${invitee.userId}`, 'DELETE')).status,
      ).toBe(200);
      expect(
        (
          await call(invitee, `/api/namespaces/${owner.tenantId}/members/accept-invite`, 'PATCH', {
            sig: sent?.sig,
          })
        ).status,
      ).toBe(404);
    });
  });

  describe('GET /api/namespaces/{tenant}/members/{id}/accept-invite', () => {
    it('tells a registered invitee’s status, and refuses a bad, missing or mismatched signature', async () => {
      const owner = await newOwner(api);
      const invitee = await newUser();
      await invite(owner, owner.tenantId, invitee.email);
      const [sent] = await invitationsTo(invitee.email);
      const path = `/api/namespaces/${owner.tenantId}/members/${invitee.userId}/accept-invite`;

      const response = await call(null, `${path}?sig=${sent?.sig}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'confirmed' });
      expect((await call(null, path)).status).toBe(400);
      expect((await call(null, `${path}?sig=forged`)).status).toBe(401);
      const someoneElse = (await newUser()).userId;
      expect(
        (
          await call(
            null,
            `/api/namespaces/${owner.tenantId}/members/${someoneElse}/accept-invite?sig=${sent?.sig}`,
          )
        ).status,
      ).toBe(401);
      expect(
        (
          await call(
            null,
            `/api/namespaces/${randomUUID()}/members/${invitee.userId}/accept-invite?sig=${sent?.sig}`,
          )
        ).status,
      ).toBe(401);
    });
  });

  describe('PATCH /api/namespaces/{tenant}/members/{uid}', () => {
    it('follows the role matrix: authority over the member and the new role, never the owner, never oneself', async () => {
      const { owner, members } = await team();
      const path = (uid: string) => `/api/namespaces/${owner.tenantId}/members/${uid}`;
      const target = await newMember(api, owner.tenantId, 'operator');

      expect((await call(members.observer, path(target.userId), 'PATCH', { role: 'observer' })).status).toBe(
        403,
      );
      expect((await call(members.operator, path(target.userId), 'PATCH', { role: 'observer' })).status).toBe(
        403,
      );
      expect(
        (await call(members.administrator, path(target.userId), 'PATCH', { role: 'administrator' })).status,
      ).toBe(200);
      expect(await membership(owner.tenantId, target.userId)).toMatchObject({ role: 'administrator' });
      expect(
        (await call(members.administrator, path(target.userId), 'PATCH', { role: 'owner' })).status,
      ).toBe(403);
      expect(
        (await call(members.administrator, path(owner.userId), 'PATCH', { role: 'observer' })).status,
      ).toBe(403);
      expect(
        (await call(members.administrator, path(members.administrator.userId), 'PATCH', { role: 'observer' }))
          .status,
      ).toBe(403);
      expect((await call(owner, path(target.userId), 'PATCH', { role: 'observer' })).status).toBe(200);
      expect(await membership(owner.tenantId, target.userId)).toMatchObject({ role: 'observer' });
      // The new role applies from the next request: the guard looks it up every time.
      expect(
        (await call(target, `/api/namespaces/${owner.tenantId}`, 'PUT', { name: randomName('x') })).status,
      ).toBe(403);
    });

    it('answers 400 for a bad role, 404 for an unknown member or another namespace, 401 without a token', async () => {
      const owner = await newOwner(api);
      const stranger = await newOwner(api);
      const member = await newMember(api, owner.tenantId, 'observer');
      expect(
        (
          await call(owner, `/api/namespaces/${owner.tenantId}/members/${member.userId}`, 'PATCH', {
            role: 'boss',
          })
        ).status,
      ).toBe(400);
      expect(
        (await call(owner, `/api/namespaces/${owner.tenantId}/members/${member.userId}`, 'PATCH', {})).status,
      ).toBe(400);
      expect(
        (
          await call(owner, `/api/namespaces/${owner.tenantId}/members/${randomUUID()}`, 'PATCH', {
            role: 'observer',
          })
        ).status,
      ).toBe(404);
      expect(
        (
          await call(owner, `/api/namespaces/${stranger.tenantId}/members/${stranger.userId}`, 'PATCH', {
            role: 'observer',
          })
        ).status,
      ).toBe(404);
      expect(
        (
          await call(null, `/api/namespaces/${owner.tenantId}/members/${member.userId}`, 'PATCH', {
            role: 'observer',
          })
        ).status,
      ).toBe(401);
    });
  });

  describe('DELETE /api/namespaces/{tenant}/members/{uid}', () => {
    it('revokes a removed member’s API keys for good: they stay dead after the member is invited back', async () => {
      const owner = await newOwner(api);
      const member = await newUser();
      const accept = `/api/namespaces/${owner.tenantId}/members/accept-invite`;
      const join = async () => {
        // Administrators may create API keys; operators may not.
        await invite(owner, owner.tenantId, member.email, 'administrator');
        const sent = (await invitationsTo(member.email)).at(-1);
        expect((await call(member, accept, 'PATCH', { sig: sent?.sig })).status).toBe(200);
      };
      const withKey = (key: string) => fetch(`${api.url}/api/devices`, { headers: { 'x-api-key': key } });

      await join();
      const switched = await readJson<{ token: string }>(
        await call(member, `/api/auth/token/${owner.tenantId}`),
      );
      const created = await call(
        { ...member, authorization: `Bearer ${switched.token}` },
        '/api/namespaces/api-key',
        'POST',
        { name: randomName('bot').slice(0, 20), expires_at: -1 },
      );
      expect(created.status).toBe(200);
      const key = (await readJson<{ id: string }>(created)).id;
      expect((await withKey(key)).status).toBe(200);

      expect((await call(owner, `/api/namespaces/${owner.tenantId}/members/${member.userId}`, 'DELETE')).status).toBe(200);
      expect((await withKey(key)).status).toBe(401);

      await join();
      expect((await withKey(key)).status).toBe(401);
      expect(await context.models.apiKeys.countDocuments({ tenant_id: owner.tenantId, created_by: member.userId })).toBe(0);
    });

    it('removes a member the caller has authority over, who loses access at once', async () => {
      const { owner, members } = await team();
      const path = (uid: string) => `/api/namespaces/${owner.tenantId}/members/${uid}`;
      expect((await call(members.observer, path(members.operator.userId), 'DELETE')).status).toBe(403);
      expect((await call(members.operator, path(members.observer.userId), 'DELETE')).status).toBe(403);
      expect((await call(members.administrator, path(owner.userId), 'DELETE')).status).toBe(403);

      expect((await call(members.operator, `/api/namespaces/${owner.tenantId}`)).status).toBe(200);
      const response = await call(members.administrator, path(members.operator.userId), 'DELETE');
      expect(response.status).toBe(200);
      expect((await readJson<NamespaceJson>(response)).members.map((member) => member.id)).not.toContain(
        members.operator.userId,
      );
      expect((await call(members.operator, `/api/namespaces/${owner.tenantId}`)).status).toBe(403);
      expect((await call(members.operator, '/api/devices')).status).toBe(403);
    });

    it('answers 404 for an unknown member or another namespace, 401 without a token', async () => {
      const owner = await newOwner(api);
      const stranger = await newOwner(api);
      const theirs = await newMember(api, stranger.tenantId, 'observer');
      expect(
        (await call(owner, `/api/namespaces/${owner.tenantId}/members/${randomUUID()}`, 'DELETE')).status,
      ).toBe(404);
      expect(
        (await call(owner, `/api/namespaces/${stranger.tenantId}/members/${theirs.userId}`, 'DELETE')).status,
      ).toBe(404);
      expect(
        (await call(owner, `/api/namespaces/${owner.tenantId}/members/${theirs.userId}`, 'DELETE')).status,
      ).toBe(404);
      expect(await membership(stranger.tenantId, theirs.userId)).not.toBeNull();
      expect(
        (await call(null, `/api/namespaces/${owner.tenantId}/members/${theirs.userId}`, 'DELETE')).status,
      ).toBe(401);
    });
  });

  describe('DELETE /api/namespaces/{tenant}/members (leave)', () => {
    it('lets every role but the owner leave, with access ending at once', async () => {
      const { owner, members } = await team();
      const path = `/api/namespaces/${owner.tenantId}/members`;
      expect((await call(owner, path, 'DELETE')).status).toBe(403);
      for (const role of ['administrator', 'operator', 'observer'] as const) {
        expect([role, (await call(members[role], path, 'DELETE')).status]).toEqual([role, 200]);
        expect((await call(members[role], `/api/namespaces/${owner.tenantId}`)).status).toBe(403);
      }
      expect(
        await context.models.memberships.countDocuments({ tenant_id: owner.tenantId }),
      ).toBe(1);
    });

    it('answers 404 for another namespace and 401 without a token', async () => {
      const member = await newMember(api, (await newOwner(api)).tenantId, 'observer');
      const stranger = await newOwner(api);
      expect((await call(member, `/api/namespaces/${stranger.tenantId}/members`, 'DELETE')).status).toBe(404);
      expect((await call(null, `/api/namespaces/${member.tenantId}/members`, 'DELETE')).status).toBe(401);
    });
  });

  it('lists every namespaces and members operation in the OpenAPI document, with request and response schemas', async () => {
    const document = await readJson<{
      paths: Record<
        string,
        Record<string, { operationId: string; requestBody?: unknown; responses: Record<string, unknown> }>
      >;
    }>(await fetch(`${api.url}/api/openapi.json`));
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => [
        operation.operationId,
        `${method.toUpperCase()} ${path}`,
      ]),
    );
    expect(operations).toEqual(
      expect.arrayContaining([
        ['getNamespaces', 'GET /api/namespaces'],
        ['createNamespace', 'POST /api/namespaces'],
        ['getNamespace', 'GET /api/namespaces/{tenant}'],
        ['editNamespace', 'PUT /api/namespaces/{tenant}'],
        ['deleteNamespace', 'DELETE /api/namespaces/{tenant}'],
        ['addNamespaceMember', 'POST /api/namespaces/{tenant}/members'],
        ['leaveNamespace', 'DELETE /api/namespaces/{tenant}/members'],
        ['acceptInvite', 'PATCH /api/namespaces/{tenant}/members/accept-invite'],
        ['lookupUserStatus', 'GET /api/namespaces/{tenant}/members/{id}/accept-invite'],
        ['updateNamespaceMember', 'PATCH /api/namespaces/{tenant}/members/{uid}'],
        ['removeNamespaceMember', 'DELETE /api/namespaces/{tenant}/members/{uid}'],
      ]),
    );
    expect(document.paths['/api/namespaces/{tenant}/members']?.['post']?.requestBody).toBeDefined();
    expect(document.paths['/api/namespaces/{tenant}']?.['get']?.responses['200']).toBeDefined();
  });

  describe('with MEMBERS_AUTO_ACCEPT=true', () => {
    let autoApi: RunningHttpApp;
    let autoKeys: ReturnType<typeof temporaryKeyDirectory>;

    beforeAll(async () => {
      autoKeys = temporaryKeyDirectory();
      autoApi = await bootHttpApp(() =>
        createApiApplication(
          loadApiConfig(
            serverEnvironment(context, { PLATFORM_KEY_DIR: autoKeys.path, MEMBERS_AUTO_ACCEPT: 'true' }),
          ),
        ),
      );
    });
    afterAll(async () => {
      await autoApi?.close();
      autoKeys.remove();
    });

    it('makes an existing user a member at once, without an e-mail, and refuses unknown addresses (404)', async () => {
      const owner = await newOwner(autoApi);
      const invitee = await newUser();
      const response = await fetch(`${autoApi.url}/api/namespaces/${owner.tenantId}/members`, {
        method: 'POST',
        headers: { authorization: owner.authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ email: invitee.email, role: 'operator' }),
      });
      expect(response.status).toBe(200);
      expect(await membership(owner.tenantId, invitee.userId)).toMatchObject({
        role: 'operator',
        status: 'accepted',
      });
      expect(await invitationsTo(invitee.email)).toHaveLength(0);

      const unknown = await fetch(`${autoApi.url}/api/namespaces/${owner.tenantId}/members`, {
        method: 'POST',
        headers: { authorization: owner.authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ email: `${randomName('nobody')}@example.test`, role: 'operator' }),
      });
      expect(unknown.status).toBe(404);
    });
  });
});
