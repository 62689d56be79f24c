import { loadApiConfig } from '@fleetgate/config';
import type { FirewallRuleView } from '@fleetgate/firewall';
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
import { newMember, newOwner, type TestMember } from '../../testing/members';

const aRule = {
  action: 'deny',
  active: true,
  priority: 1,
  source_ip: '.*',
  username: '^root$',
  filter: { hostname: '.*' },
};

describe('firewall rules: /api/firewall/rules', () => {
  let context: TestContext;
  let api: RunningHttpApp;
  let keys: ReturnType<typeof temporaryKeyDirectory>;
  let owner: TestMember;
  let stranger: TestMember;

  const call = (member: TestMember | null, method: string, path = '', body?: unknown) =>
    fetch(`${api.url}/api/firewall/rules${path}`, {
      method,
      headers: { ...(member ? { authorization: member.authorization } : {}), 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    context = await createTestContext(__filename);
    keys = temporaryKeyDirectory();
    api = await bootHttpApp(() => createApiApplication(loadApiConfig(serverEnvironment(context, { PLATFORM_KEY_DIR: keys.path }))));
    owner = await newOwner(api);
    stranger = await newOwner(api);
  });
  afterAll(async () => {
    await api?.close();
    await context.close();
    keys.remove();
  });

  it('creates, reads, lists by priority, replaces and deletes rules', async () => {
    const created = await readJson<FirewallRuleView>(await call(owner, 'POST', '', aRule));
    expect(created).toEqual({ id: expect.stringMatching(/^[0-9a-f]{24}$/), tenant_id: owner.tenantId, ...aRule });
    await call(owner, 'POST', '', { ...aRule, priority: 0, action: 'allow', filter: { tags: ['kitchen'] } });

    const list = await call(owner, 'GET', '?page=1&per_page=10');
    expect(list.headers.get('x-total-count')).toBe('2');
    expect((await readJson<FirewallRuleView[]>(list)).map((rule) => rule.priority)).toEqual([0, 1]);

    expect(await readJson(await call(owner, 'GET', `/${created.id}`))).toEqual(created);
    const replaced = await call(owner, 'PUT', `/${created.id}`, { ...aRule, active: false, username: '^admin$' });
    expect(await readJson(replaced)).toMatchObject({ id: created.id, active: false, username: '^admin$' });

    expect((await call(owner, 'DELETE', `/${created.id}`)).status).toBe(200);
    expect((await call(owner, 'GET', `/${created.id}`)).status).toBe(404);
  });

  it.each([
    ['an unknown action', { action: 'maybe' }, /action/],
    ['a negative priority', { priority: -1 }, /priority/],
    ['a source pattern that does not compile', { source_ip: '(' }, /source_ip: is not a valid regular expression/],
    ['a backreference pattern', { username: '(a)\\1' }, /username: is not a valid regular expression/],
    ['both hostname and tags', { filter: { hostname: '.*', tags: ['kitchen'] } }, /either hostname or tags/],
    ['more than three tags', { filter: { tags: ['aaa', 'bbb', 'ccc', 'ddd'] } }, /tags/],
  ])('refuses %s with a 400 that says why', async (_case, overrides, problem) => {
    const started = Date.now();
    const response = await call(owner, 'POST', '', { ...aRule, ...overrides });
    expect(response.status).toBe(400);
    expect((await readJson<{ message: string }>(response)).message).toMatch(problem);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('lets administrators write rules and every member read them', async () => {
    const observer = await newMember(api, owner.tenantId, 'observer');
    const operator = await newMember(api, owner.tenantId, 'operator');
    const administrator = await newMember(api, owner.tenantId, 'administrator');
    expect((await call(observer, 'POST', '', aRule)).status).toBe(403);
    expect((await call(operator, 'POST', '', aRule)).status).toBe(403);
    const created = await readJson<FirewallRuleView>(await call(administrator, 'POST', '', aRule));
    expect((await call(observer, 'GET', `/${created.id}`)).status).toBe(200);
    expect((await call(operator, 'DELETE', `/${created.id}`)).status).toBe(403);
    expect((await call(null, 'GET')).status).toBe(401);
  });

  it('never shows or changes another namespace’s rules', async () => {
    const mine = await readJson<FirewallRuleView>(await call(owner, 'POST', '', aRule));
    expect((await call(stranger, 'GET', `/${mine.id}`)).status).toBe(404);
    expect((await call(stranger, 'PUT', `/${mine.id}`, aRule)).status).toBe(404);
    expect((await call(stranger, 'DELETE', `/${mine.id}`)).status).toBe(404);
    expect(await readJson<FirewallRuleView[]>(await call(stranger, 'GET'))).toEqual([]);
  });
});
