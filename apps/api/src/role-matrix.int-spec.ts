import { randomBytes } from 'node:crypto';
import type { MemberRole } from '@fleetgate/data-access';
import { billingEnvironment, createTestContext, persist, type RunningHttpApp, type TestContext } from '@fleetgate/testing';
import { generateEd25519KeyPair } from '@fleetgate/public-keys';
import { startApi } from './testing/api-environment';
import { readJson } from './testing/http';
import { newMember, newOwner, type TestMember } from './testing/members';

/**
 * Every member route of the namespace-scoped groups, called by each role. The expected minimum roles are written
 * here from ShellHub's permission matrix (shellhub-behaviour 3.4), independently of the code's own matrix, so that
 * a wrong entry there fails here. A role below the minimum gets 403; a role at or above it is let through (its
 * answer may still be a 4xx about the request, never 401 or 403, never a 5xx).
 */
const roles: MemberRole[] = ['observer', 'operator', 'administrator', 'owner'];
const rank: Record<MemberRole, number> = { observer: 1, operator: 2, administrator: 3, owner: 4 };

interface Namespace {
  owner: TestMember;
  tenantId: string;
  members: Record<MemberRole, TestMember>;
}

interface Call {
  method: string;
  path: string;
  body?: unknown;
}

interface RouteCase {
  minimum: MemberRole;
  /** A fresh request for one call: each call acts on resources of its own. */
  call: (namespace: Namespace, caller: MemberRole) => Promise<Call>;
  /** Runs in a namespace of its own, because the allowed calls change who belongs to it or whether it exists. */
  isolated?: boolean;
}

describe('the role matrix, route by route', () => {
  let context: TestContext;
  let api: RunningHttpApp;
  let shared: Namespace;

  const send = (member: TestMember, { method, path, body }: Call) =>
    fetch(`${api.url}${path}`, {
      method,
      headers: { authorization: member.authorization, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const unique = (prefix: string) => `${prefix}${randomBytes(3).toString('hex')}`;
  const asOwner = async (namespace: Namespace, call: Call) => {
    const response = await send(namespace.owner, call);
    if (response.status !== 200) throw new Error(`${call.method} ${call.path} as owner: ${response.status}`);
    return readJson<Record<string, unknown>>(response);
  };
  const device = (namespace: Namespace, platform = 'native', tags = ['matrix']) =>
    persist.device(context.connection, {
      tenant_id: namespace.tenantId,
      name: unique('device-'),
      tags,
      info: { id: 'debian', pretty_name: 'Debian', version: '0.1.0', arch: 'x86_64', platform },
    });
  const session = async (namespace: Namespace) => {
    const of = await device(namespace);
    return persist.session(context.connection, { tenant_id: namespace.tenantId, device_uid: of.uid });
  };
  const publicKey = async (namespace: Namespace) => {
    const data = Buffer.from(generateEd25519KeyPair().public).toString('base64');
    const created = await asOwner(namespace, {
      method: 'POST',
      path: '/api/sshkeys/public-keys',
      body: { data, name: unique('key-'), username: '.*', filter: { tags: ['matrix'] } },
    });
    return `/api/sshkeys/public-keys/${encodeURIComponent(String(created['fingerprint']))}`;
  };
  const firewallRule = async (namespace: Namespace) => {
    const created = await asOwner(namespace, {
      method: 'POST',
      path: '/api/firewall/rules',
      body: {
        action: 'allow',
        active: true,
        priority: 1,
        source_ip: '.*',
        username: '.*',
        filter: { tags: ['matrix'] },
      },
    });
    return `/api/firewall/rules/${String(created['id'])}`;
  };
  const aChannelPolicy = {
    name: 'matrix',
    active: true,
    priority: 1,
    username: '',
    filter: { tags: ['matrix'] },
    channels: {
      shell: true,
      exec: true,
      exec_commands: [],
      scp: true,
      sftp: true,
      subsystem: true,
      subsystem_names: [],
      local_forwarding: true,
      local_forwarding_destinations: [],
      remote_forwarding: false,
      x11_forwarding: false,
      agent_forwarding: false,
    },
  };
  const channelPolicy = async (namespace: Namespace) => {
    const created = await asOwner(namespace, { method: 'POST', path: '/api/gateway/channel-policies', body: aChannelPolicy });
    return `/api/gateway/channel-policies/${String(created['id'])}`;
  };
  const connector = async (namespace: Namespace) => {
    const created = await asOwner(namespace, {
      method: 'POST',
      path: '/api/connector',
      body: { address: '192.0.2.10', port: 2375 },
    });
    return `/api/connector/${String(created['uid'])}`;
  };
  const apiKey = async (namespace: Namespace) => {
    const name = unique('key');
    await asOwner(namespace, {
      method: 'POST',
      path: '/api/namespaces/api-key',
      body: { name, expires_at: -1, role: 'observer' },
    });
    return `/api/namespaces/api-key/${name}`;
  };
  const namespaceWithEveryRole = async (): Promise<Namespace> => {
    const owner = await newOwner(api);
    const members: Record<MemberRole, TestMember> = {
      owner,
      observer: await newMember(api, owner.tenantId, 'observer'),
      operator: await newMember(api, owner.tenantId, 'operator'),
      administrator: await newMember(api, owner.tenantId, 'administrator'),
    };
    return { owner, tenantId: owner.tenantId, members };
  };

  const deviceRoutes = (base: 'devices' | 'containers'): Array<[string, RouteCase]> => {
    const thing = (namespace: Namespace) => device(namespace, base === 'containers' ? 'connector' : 'native');
    return [
      [
        `GET /api/${base}`,
        { minimum: 'observer', call: async () => ({ method: 'GET', path: `/api/${base}` }) },
      ],
      [
        `GET /api/${base}/{uid}`,
        {
          minimum: 'observer',
          call: async (ns) => ({ method: 'GET', path: `/api/${base}/${(await thing(ns)).uid}` }),
        },
      ],
      [
        `PUT /api/${base}/{uid}`,
        {
          minimum: 'operator',
          call: async (ns) => ({
            method: 'PUT',
            path: `/api/${base}/${(await thing(ns)).uid}`,
            body: { name: unique('renamed-') },
          }),
        },
      ],
      [
        `DELETE /api/${base}/{uid}`,
        {
          minimum: 'administrator',
          call: async (ns) => ({ method: 'DELETE', path: `/api/${base}/${(await thing(ns)).uid}` }),
        },
      ],
      [
        `PATCH /api/${base}/{uid}/{status}`,
        {
          minimum: 'operator',
          call: async (ns) => ({ method: 'PATCH', path: `/api/${base}/${(await thing(ns)).uid}/reject` }),
        },
      ],
      [
        `POST /api/${base}/{uid}/tags`,
        {
          minimum: 'operator',
          call: async (ns) => ({
            method: 'POST',
            path: `/api/${base}/${(await thing(ns)).uid}/tags`,
            body: { tag: 'extra' },
          }),
        },
      ],
      [
        `PUT /api/${base}/{uid}/tags`,
        {
          minimum: 'operator',
          call: async (ns) => ({
            method: 'PUT',
            path: `/api/${base}/${(await thing(ns)).uid}/tags`,
            body: { tags: ['other'] },
          }),
        },
      ],
      [
        `DELETE /api/${base}/{uid}/tags/{tag}`,
        {
          minimum: 'operator',
          call: async (ns) => ({
            method: 'DELETE',
            path: `/api/${base}/${(await thing(ns)).uid}/tags/matrix`,
          }),
        },
      ],
    ];
  };

  const routes: Array<[string, RouteCase]> = [
    ...deviceRoutes('devices'),
    [
      'PATCH /api/devices/{uid}/accept',
      {
        minimum: 'operator',
        call: async (ns) => ({ method: 'PATCH', path: `/api/devices/${(await device(ns)).uid}/accept` }),
      },
    ],
    [
      'POST /api/devices/{uid}/terminal',
      {
        minimum: 'observer',
        call: async (ns) => ({ method: 'POST', path: `/api/devices/${(await device(ns)).uid}/terminal` }),
      },
    ],
    ['GET /api/stats', { minimum: 'observer', call: async () => ({ method: 'GET', path: '/api/stats' }) }],
    ['GET /api/sessions', { minimum: 'observer', call: async () => ({ method: 'GET', path: '/api/sessions' }) }],
    [
      'GET /api/sessions/{uid}',
      {
        minimum: 'observer',
        call: async (ns) => ({ method: 'GET', path: `/api/sessions/${(await session(ns)).uid}` }),
      },
    ],
    [
      'POST /api/sessions/{uid}/close',
      {
        // ShellHub's matrix (SessionClose); its route itself checked nothing, which was an advisory.
        minimum: 'administrator',
        call: async (ns) => {
          const live = await session(ns);
          return { method: 'POST', path: `/api/sessions/${live.uid}/close`, body: { device: live.device_uid } };
        },
      },
    ],
    ...deviceRoutes('containers'),
    ['GET /api/tags', { minimum: 'observer', call: async () => ({ method: 'GET', path: '/api/tags' }) }],
    [
      'PUT /api/tags/{tag}',
      {
        minimum: 'operator',
        call: async (ns) => {
          const tag = unique('tag');
          await device(ns, 'native', [tag]);
          return { method: 'PUT', path: `/api/tags/${tag}`, body: { tag: unique('renamed') } };
        },
      },
    ],
    [
      'DELETE /api/tags/{tag}',
      { minimum: 'operator', call: async () => ({ method: 'DELETE', path: '/api/tags/matrix' }) },
    ],
    [
      'GET /api/sshkeys/public-keys',
      { minimum: 'observer', call: async () => ({ method: 'GET', path: '/api/sshkeys/public-keys' }) },
    ],
    [
      'POST /api/sshkeys/public-keys',
      {
        minimum: 'administrator',
        call: async () => ({
          method: 'POST',
          path: '/api/sshkeys/public-keys',
          body: {
            data: Buffer.from(generateEd25519KeyPair().public).toString('base64'),
            name: unique('key-'),
            username: '',
            filter: { hostname: '.*' },
          },
        }),
      },
    ],
    [
      'PUT /api/sshkeys/public-keys/{fingerprint}',
      {
        minimum: 'administrator',
        call: async (ns) => ({ method: 'PUT', path: await publicKey(ns), body: { name: unique('key-') } }),
      },
    ],
    [
      'DELETE /api/sshkeys/public-keys/{fingerprint}',
      { minimum: 'administrator', call: async (ns) => ({ method: 'DELETE', path: await publicKey(ns) }) },
    ],
    [
      'POST /api/sshkeys/public-keys/{fingerprint}/tags',
      {
        minimum: 'administrator',
        call: async (ns) => ({ method: 'POST', path: `${await publicKey(ns)}/tags`, body: { tag: 'extra' } }),
      },
    ],
    [
      'PUT /api/sshkeys/public-keys/{fingerprint}/tags',
      {
        minimum: 'administrator',
        call: async (ns) => ({
          method: 'PUT',
          path: `${await publicKey(ns)}/tags`,
          body: { tags: ['other'] },
        }),
      },
    ],
    [
      'DELETE /api/sshkeys/public-keys/{fingerprint}/tags/{tag}',
      {
        minimum: 'administrator',
        call: async (ns) => ({ method: 'DELETE', path: `${await publicKey(ns)}/tags/matrix` }),
      },
    ],
    [
      'GET /api/firewall/rules',
      { minimum: 'observer', call: async () => ({ method: 'GET', path: '/api/firewall/rules' }) },
    ],
    [
      'GET /api/firewall/rules/{id}',
      { minimum: 'observer', call: async (ns) => ({ method: 'GET', path: await firewallRule(ns) }) },
    ],
    [
      'POST /api/firewall/rules',
      {
        minimum: 'administrator',
        call: async () => ({
          method: 'POST',
          path: '/api/firewall/rules',
          body: {
            action: 'deny',
            active: true,
            priority: 9,
            source_ip: '.*',
            username: '.*',
            filter: { hostname: '.*' },
          },
        }),
      },
    ],
    [
      'PUT /api/firewall/rules/{id}',
      {
        minimum: 'administrator',
        call: async (ns) => ({
          method: 'PUT',
          path: await firewallRule(ns),
          body: {
            action: 'deny',
            active: false,
            priority: 2,
            source_ip: '.*',
            username: '.*',
            filter: { hostname: '.*' },
          },
        }),
      },
    ],
    [
      'DELETE /api/firewall/rules/{id}',
      { minimum: 'administrator', call: async (ns) => ({ method: 'DELETE', path: await firewallRule(ns) }) },
    ],
    [
      'POST /api/firewall/rules/{id}/tags',
      {
        minimum: 'administrator',
        call: async (ns) => ({
          method: 'POST',
          path: `${await firewallRule(ns)}/tags`,
          body: { tag: 'extra' },
        }),
      },
    ],
    [
      'PUT /api/firewall/rules/{id}/tags',
      {
        minimum: 'administrator',
        call: async (ns) => ({
          method: 'PUT',
          path: `${await firewallRule(ns)}/tags`,
          body: { tags: ['other'] },
        }),
      },
    ],
    [
      'DELETE /api/firewall/rules/{id}/tags',
      {
        minimum: 'administrator',
        call: async (ns) => ({
          method: 'DELETE',
          path: `${await firewallRule(ns)}/tags`,
          body: { tag: 'matrix' },
        }),
      },
    ],
    [
      'GET /api/gateway/channel-policies',
      { minimum: 'observer', call: async () => ({ method: 'GET', path: '/api/gateway/channel-policies' }) },
    ],
    [
      'GET /api/gateway/channel-policies/{id}',
      { minimum: 'observer', call: async (ns) => ({ method: 'GET', path: await channelPolicy(ns) }) },
    ],
    [
      'POST /api/gateway/channel-policies',
      {
        minimum: 'administrator',
        call: async () => ({ method: 'POST', path: '/api/gateway/channel-policies', body: aChannelPolicy }),
      },
    ],
    [
      'PUT /api/gateway/channel-policies/{id}',
      {
        minimum: 'administrator',
        call: async (ns) => ({ method: 'PUT', path: await channelPolicy(ns), body: { ...aChannelPolicy, active: false } }),
      },
    ],
    [
      'DELETE /api/gateway/channel-policies/{id}',
      { minimum: 'administrator', call: async (ns) => ({ method: 'DELETE', path: await channelPolicy(ns) }) },
    ],
    [
      'GET /api/gateway/authentication-policy',
      { minimum: 'observer', call: async () => ({ method: 'GET', path: '/api/gateway/authentication-policy' }) },
    ],
    [
      'PUT /api/gateway/authentication-policy',
      {
        minimum: 'administrator',
        call: async () => ({
          method: 'PUT',
          path: '/api/gateway/authentication-policy',
          body: { public_key: true, password: true, keyboard_interactive: false, require_mfa: false },
        }),
      },
    ],
    [
      'GET /api/connector',
      { minimum: 'observer', call: async () => ({ method: 'GET', path: '/api/connector' }) },
    ],
    [
      'GET /api/connector/{uid}',
      { minimum: 'observer', call: async (ns) => ({ method: 'GET', path: await connector(ns) }) },
    ],
    [
      'POST /api/connector',
      {
        minimum: 'administrator',
        call: async () => ({
          method: 'POST',
          path: '/api/connector',
          body: { address: '192.0.2.11', port: 2375 },
        }),
      },
    ],
    [
      'PATCH /api/connector/{uid}',
      {
        minimum: 'administrator',
        call: async (ns) => ({ method: 'PATCH', path: await connector(ns), body: { port: 2376 } }),
      },
    ],
    [
      'DELETE /api/connector/{uid}',
      { minimum: 'administrator', call: async (ns) => ({ method: 'DELETE', path: await connector(ns) }) },
    ],
    [
      'GET /api/namespaces/{tenant}',
      {
        minimum: 'observer',
        call: async (ns) => ({ method: 'GET', path: `/api/namespaces/${ns.tenantId}` }),
      },
    ],
    [
      'PUT /api/namespaces/{tenant}',
      {
        minimum: 'administrator',
        call: async (ns) => ({
          method: 'PUT',
          path: `/api/namespaces/${ns.tenantId}`,
          body: { settings: { session_record: true } },
        }),
      },
    ],
    [
      'DELETE /api/namespaces/{tenant}',
      {
        minimum: 'owner',
        isolated: true,
        call: async (ns) => ({ method: 'DELETE', path: `/api/namespaces/${ns.tenantId}` }),
      },
    ],
    [
      'POST /api/namespaces/{tenant}/members',
      {
        minimum: 'administrator',
        call: async (ns) => ({
          method: 'POST',
          path: `/api/namespaces/${ns.tenantId}/members`,
          body: { email: `${unique('invitee-')}@example.test`, role: 'observer' },
        }),
      },
    ],
    [
      'PATCH /api/namespaces/{tenant}/members/{uid}',
      {
        minimum: 'administrator',
        call: async (ns) => ({
          method: 'PATCH',
          path: `/api/namespaces/${ns.tenantId}/members/${(await newMember(api, ns.tenantId, 'observer')).userId}`,
          body: { role: 'operator' },
        }),
      },
    ],
    [
      'DELETE /api/namespaces/{tenant}/members/{uid}',
      {
        minimum: 'administrator',
        call: async (ns) => ({
          method: 'DELETE',
          path: `/api/namespaces/${ns.tenantId}/members/${(await newMember(api, ns.tenantId, 'observer')).userId}`,
        }),
      },
    ],
    [
      'GET /api/namespaces/api-key',
      { minimum: 'observer', call: async () => ({ method: 'GET', path: '/api/namespaces/api-key' }) },
    ],
    [
      'POST /api/namespaces/api-key',
      {
        minimum: 'administrator',
        call: async () => ({
          method: 'POST',
          path: '/api/namespaces/api-key',
          body: { name: unique('key'), expires_at: 30, role: 'observer' },
        }),
      },
    ],
    [
      'PATCH /api/namespaces/api-key/{key}',
      {
        minimum: 'administrator',
        call: async (ns) => ({ method: 'PATCH', path: await apiKey(ns), body: { role: 'observer' } }),
      },
    ],
    [
      'DELETE /api/namespaces/api-key/{key}',
      { minimum: 'administrator', call: async (ns) => ({ method: 'DELETE', path: await apiKey(ns) }) },
    ],
    [
      'GET /api/users/security',
      { minimum: 'observer', call: async () => ({ method: 'GET', path: '/api/users/security' }) },
    ],
    [
      'PUT /api/users/security/{tenant}',
      {
        minimum: 'administrator',
        call: async (ns) => ({
          method: 'PUT',
          path: `/api/users/security/${ns.tenantId}`,
          body: { session_record: true },
        }),
      },
    ],
    [
      'GET /api/announcements',
      { minimum: 'observer', call: async () => ({ method: 'GET', path: '/api/announcements' }) },
    ],
    // Billing (issue 11): only the owner changes or reads it; any member may evaluate the namespace's capacity.
    ...(
      [
        ['POST', '/api/billing/customer', undefined],
        ['GET', '/api/billing/customer', undefined],
        ['POST', '/api/billing/paymentmethod/attach', { id: 'pm_card_visa' }],
        ['POST', '/api/billing/paymentmethod/default', { id: 'pm_card_visa' }],
        ['POST', '/api/billing/paymentmethod/detach', { id: 'pm_card_visa' }],
        ['POST', '/api/billing/subscription', undefined],
        ['GET', '/api/billing/subscription', undefined],
        ['POST', '/api/billing/portal', undefined],
        ['POST', '/api/billing/device-choice', { choices: [] }],
        ['GET', '/api/billing/devices-most-used', undefined],
        ['POST', '/api/billing/report?action=device_accept', undefined],
      ] as const
    ).map(([method, path, body]): [string, RouteCase] => [
      `${method} ${path}`,
      { minimum: 'owner', call: async () => ({ method, path, ...(body === undefined ? {} : { body }) }) },
    ]),
    [
      'POST /api/billing/evaluate',
      { minimum: 'observer', call: async () => ({ method: 'POST', path: '/api/billing/evaluate' }) },
    ],
    // Any member may watch and verify the namespace's recordings (a session it has not recorded answers 404).
    ...['play', 'asciicast', 'verify', 'recording'].map((view): [string, RouteCase] => [
      `GET /api/sessions/{uid}/${view}`,
      { minimum: 'observer', call: async () => ({ method: 'GET', path: `/api/sessions/${randomBytes(32).toString('hex')}/${view}` }) },
    ]),
    // Fleetgate's own routes (issue 12): the gateway's audit log, and accepting a device's changed host key.
    [
      'GET /api/audit-log',
      { minimum: 'administrator', call: async () => ({ method: 'GET', path: '/api/audit-log' }) },
    ],
    [
      'POST /api/devices/{uid}/host-key/accept',
      {
        minimum: 'administrator',
        call: async (ns) => ({ method: 'POST', path: `/api/devices/${(await device(ns)).uid}/host-key/accept` }),
      },
    ],
  ];

  beforeAll(async () => {
    context = await createTestContext(__filename);
    // Billing on, against stripe-mock, so that the billing routes answer what they answer in a cloud deployment.
    api = await startApi(context, billingEnvironment(context));
    shared = await namespaceWithEveryRole();
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await context.close();
  });

  it.each(routes)(
    '%s',
    async (_route, { minimum, call, isolated }) => {
      const namespace = isolated ? await namespaceWithEveryRole() : shared;
      const outcomes: Record<string, number> = {};
      const expected: Record<string, string> = {};
      for (const role of roles) {
        const response = await send(namespace.members[role], await call(namespace, role));
        outcomes[role] = response.status;
        expected[role] = rank[role] < rank[minimum] ? 'refused' : 'let through';
      }
      const seen = Object.fromEntries(
        Object.entries(outcomes).map(([role, status]) => [
          role,
          status === 403 ? 'refused' : status === 401 || status >= 500 ? `broken (${status})` : 'let through',
        ]),
      );
      expect(seen).toEqual(expected);
    },
    60_000,
  );

  it('answers 401 on every route without credentials', async () => {
    for (const [route, { call }] of routes) {
      const request = await call(shared, 'owner');
      const response = await fetch(`${api.url}${request.path}`, {
        method: request.method,
        headers: { 'content-type': 'application/json' },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
      });
      expect({ route, status: response.status }).toEqual({ route, status: 401 });
    }
  }, 120_000);
});
