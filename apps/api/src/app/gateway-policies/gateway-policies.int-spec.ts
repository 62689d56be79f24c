import type { ChannelPolicyView, GatewaySettings } from '@fleetgate/gateway';
import { generateEd25519KeyPair } from '@fleetgate/public-keys';
import { createTestContext, type RunningHttpApp, type TestContext } from '@fleetgate/testing';
import { startApi } from '../../testing/api-environment';
import { readJson } from '../../testing/http';
import { newMember, newOwner, type TestMember } from '../../testing/members';

const aPolicy = {
  name: 'operators',
  active: true,
  priority: 1,
  username: '^operator$',
  filter: { tags: ['kitchen'] },
  channels: {
    shell: false,
    exec: true,
    exec_commands: ['uptime', 'systemctl status [a-z-]+'],
    scp: false,
    sftp: false,
    subsystem: false,
    subsystem_names: [],
    local_forwarding: true,
    local_forwarding_destinations: [
      { selection: 'network', value: '10.0.0.0/8' },
      { selection: 'address', value: '127.0.0.1', port: 8080 },
    ],
    remote_forwarding: false,
    x11_forwarding: false,
    agent_forwarding: false,
  },
};

describe('gateway policies (/api/gateway) and gateway settings (/admin/api/settings)', () => {
  let context: TestContext;
  let api: RunningHttpApp;
  let owner: TestMember;
  let stranger: TestMember;

  const call = (member: TestMember | null, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${api.url}${path}`, {
      method,
      headers: { ...(member ? { authorization: member.authorization } : {}), 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    context = await createTestContext(__filename);
    api = await startApi(context);
    owner = await newOwner(api);
    stranger = await newOwner(api);
    // Booting the API on a loaded shared machine can outlast the default hook timeout.
  }, 180_000);
  afterAll(async () => {
    await api?.close();
    await context.close();
  });

  describe('channel policies', () => {
    it('creates, reads, lists by priority, replaces and deletes policies', async () => {
      const created = await readJson<ChannelPolicyView>(await call(owner, 'POST', '/api/gateway/channel-policies', aPolicy));
      expect(created).toEqual({ id: expect.stringMatching(/^[0-9a-f]{24}$/), tenant_id: owner.tenantId, ...aPolicy });
      await call(owner, 'POST', '/api/gateway/channel-policies', { ...aPolicy, name: 'first', priority: 0, filter: { hostname: '.*' } });

      const list = await call(owner, 'GET', '/api/gateway/channel-policies?page=1&per_page=10');
      expect(list.headers.get('x-total-count')).toBe('2');
      expect((await readJson<ChannelPolicyView[]>(list)).map((policy) => policy.name)).toEqual(['first', 'operators']);

      expect(await readJson(await call(owner, 'GET', `/api/gateway/channel-policies/${created.id}`))).toEqual(created);
      const replaced = await call(owner, 'PUT', `/api/gateway/channel-policies/${created.id}`, { ...aPolicy, active: false });
      expect(await readJson(replaced)).toMatchObject({ id: created.id, active: false });

      // Another namespace's policy does not exist for this caller.
      expect((await call(stranger, 'GET', `/api/gateway/channel-policies/${created.id}`)).status).toBe(404);
      expect((await call(stranger, 'DELETE', `/api/gateway/channel-policies/${created.id}`)).status).toBe(404);
      expect((await call(stranger, 'GET', '/api/gateway/channel-policies')).headers.get('x-total-count')).toBe('0');

      expect((await call(owner, 'DELETE', `/api/gateway/channel-policies/${created.id}`)).status).toBe(200);
      expect((await call(owner, 'GET', `/api/gateway/channel-policies/${created.id}`)).status).toBe(404);
    });

    it.each([
      ['an exec pattern that does not compile', { exec_commands: ['(unclosed'] }, /exec_commands\[0\]: is not a valid regular expression/],
      ['a network that is not one', { local_forwarding_destinations: [{ selection: 'network', value: '10.0.0.0/99' }] }, /is not a network/],
      ['an unknown address selection', { local_forwarding_destinations: [{ selection: 'range', value: '10.0.0.1' }] }, /selection/],
      ['a port out of range', { local_forwarding_destinations: [{ selection: 'address', value: '10.0.0.1', port: 70000 }] }, /port/],
      ['a missing permission', { shell: undefined }, /shell/],
    ])('refuses %s with a 400 that says why', async (_case, channels, problem) => {
      const response = await call(owner, 'POST', '/api/gateway/channel-policies', { ...aPolicy, channels: { ...aPolicy.channels, ...channels } });
      expect(response.status).toBe(400);
      expect((await readJson<{ message: string }>(response)).message).toMatch(problem);
    });

    it('refuses a filter with both hostname and tags, and an id that is not one', async () => {
      const both = await call(owner, 'POST', '/api/gateway/channel-policies', { ...aPolicy, filter: { hostname: '.*', tags: ['kitchen'] } });
      expect(both.status).toBe(400);
      expect((await call(owner, 'GET', '/api/gateway/channel-policies/not-an-id')).status).toBe(400);
    });
  });

  describe('authentication policy', () => {
    it('answers the default until set, then what was set, per namespace', async () => {
      const defaults = { public_key: true, password: true, keyboard_interactive: false, require_mfa: false };
      expect(await readJson(await call(owner, 'GET', '/api/gateway/authentication-policy'))).toEqual(defaults);
      const strict = { public_key: true, password: false, keyboard_interactive: false, require_mfa: true };
      expect(await readJson(await call(owner, 'PUT', '/api/gateway/authentication-policy', strict))).toEqual(strict);
      expect(await readJson(await call(owner, 'GET', '/api/gateway/authentication-policy'))).toEqual(strict);
      expect(await readJson(await call(stranger, 'GET', '/api/gateway/authentication-policy'))).toEqual(defaults);
    });

    it('records who registered a public key, the member gateway MFA asks for the code', async () => {
      const data = Buffer.from(generateEd25519KeyPair().public).toString('base64');
      const created = await call(owner, 'POST', '/api/sshkeys/public-keys', { data, name: 'laptop', username: '.*', filter: { hostname: '.*' } });
      expect(created.status).toBe(200);
      const { fingerprint } = await readJson<{ fingerprint: string }>(created);
      expect(await context.models.publicKeys.findOne({ tenant_id: owner.tenantId, fingerprint }).lean()).toMatchObject({ created_by: owner.userId });
    });

    it('refuses a policy that allows no method, or MFA without public keys', async () => {
      const none = await call(owner, 'PUT', '/api/gateway/authentication-policy', { public_key: false, password: false, keyboard_interactive: false, require_mfa: false });
      expect(none.status).toBe(400);
      const mfaWithoutKeys = await call(owner, 'PUT', '/api/gateway/authentication-policy', { public_key: false, password: true, keyboard_interactive: false, require_mfa: true });
      expect(mfaWithoutKeys.status).toBe(400);
      expect((await readJson<{ message: string }>(mfaWithoutKeys)).message).toMatch(/require_mfa needs public_key/);
      const notBoolean = await call(owner, 'PUT', '/api/gateway/authentication-policy', { public_key: 'yes', password: true, keyboard_interactive: false, require_mfa: false });
      expect(notBoolean.status).toBe(400);
    });
  });

  describe('gateway settings', () => {
    let admin: TestMember;

    beforeAll(async () => {
      admin = await newOwner(api);
      await context.models.users.updateOne({ id: admin.userId }, { $set: { admin: true } });
    }, 60_000);

    it('are not for namespace owners, administrators, API keys or anonymous callers', async () => {
      const administrator = await newMember(api, owner.tenantId, 'administrator');
      for (const caller of [owner, administrator]) {
        expect((await call(caller, 'GET', '/admin/api/settings')).status).toBe(403);
        expect((await call(caller, 'PATCH', '/admin/api/settings', { user_auth_banner: 'mine now' })).status).toBe(403);
      }
      expect((await call(null, 'GET', '/admin/api/settings')).status).toBe(401);
      expect((await call(admin, 'GET', '/admin/api/settings', undefined, { 'x-api-key': 'anything' })).status).toBe(403);
    });

    it('are read and changed by an instance administrator, and announced to the gateways', async () => {
      const before = await readJson<GatewaySettings>(await call(admin, 'GET', '/admin/api/settings'));
      expect(before).toMatchObject({ strict_key_exchange: 'on', auth_max_attempts: 6, auto_block_max_auth_attempts: 0, server_version: 'Fleetgate' });

      const subscriber = context.redis.duplicate();
      const heard = new Promise<string>((resolve) => subscriber.on('message', (channel: string) => resolve(channel)));
      await subscriber.subscribe(`${context.redisPrefix}:gateway-settings-changed`);
      try {
        const patched = await call(admin, 'PATCH', '/admin/api/settings', {
          user_auth_banner: 'Audited.',
          auto_block_max_auth_attempts: 5,
          key_exchange_algorithms: ['curve25519-sha256'],
        });
        expect(patched.status).toBe(200);
        expect(await readJson(patched)).toEqual({ ...before, user_auth_banner: 'Audited.', auto_block_max_auth_attempts: 5, key_exchange_algorithms: ['curve25519-sha256'] });
        expect(await heard).toBe(`${context.redisPrefix}:gateway-settings-changed`);
      } finally {
        subscriber.disconnect();
      }

      const replaced = await call(admin, 'PUT', '/admin/api/settings', { ...before, strict_key_exchange: 'required' });
      expect(await readJson(replaced)).toEqual({ ...before, strict_key_exchange: 'required' });
      // PUT replaces the whole document: a missing field is a 400, not a silent default.
      const { log_level: _missing, ...incomplete } = before;
      expect((await call(admin, 'PUT', '/admin/api/settings', incomplete)).status).toBe(400);
    });

    it('refuse an unknown algorithm with a 400 that lists the supported ones, and bad client entries', async () => {
      const unknown = await call(admin, 'PATCH', '/admin/api/settings', { encryption_algorithms: ['aes128-gcm@openssh.com', 'rot13'] });
      expect(unknown.status).toBe(400);
      const body = await readJson<{ message: string }>(unknown);
      expect(body.message).toMatch(/encryption_algorithms: unsupported: rot13; supported: .*aes128-gcm@openssh\.com/);

      for (const change of [
        { blocked_clients: ['10.0.0.0/33'] },
        { allowed_clients: ['gateway.example'] },
        { strict_key_exchange: 'sometimes' },
        { server_version: 'has spaces' },
        { auth_max_attempts: 0 },
        { log_level: 'loud' },
      ]) {
        const response = await call(admin, 'PATCH', '/admin/api/settings', change);
        expect({ change, status: response.status }).toEqual({ change, status: 400 });
      }
    });
  });
});
