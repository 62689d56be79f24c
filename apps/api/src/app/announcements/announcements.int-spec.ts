import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadApiConfig } from '@fleetgate/config';
import {
  bootHttpApp,
  childEnvironment,
  createTestContext,
  type RunningHttpApp,
  serverEnvironment,
  type TestContext,
  workspaceRoot,
} from '@fleetgate/testing';
import { createApiApplication } from '../../bootstrap';
import { temporaryKeyDirectory } from '../../testing/api-environment';
import { readJson } from '../../testing/http';
import { newOwner, type TestMember } from '../../testing/members';

describe('announcements', () => {
  let context: TestContext;
  let api: RunningHttpApp;
  let keys: ReturnType<typeof temporaryKeyDirectory>;
  let owner: TestMember;

  const get = (path: string, authorization?: string) =>
    fetch(`${api.url}${path}`, { headers: authorization ? { authorization } : {} });

  beforeAll(async () => {
    context = await createTestContext(__filename);
    keys = temporaryKeyDirectory();
    api = await bootHttpApp(() => createApiApplication(loadApiConfig(serverEnvironment(context, { PLATFORM_KEY_DIR: keys.path }))));
    owner = await newOwner(api);
    await context.models.announcements.create([
      { uuid: '3dd0d1f8-8246-4519-b11a-a3dd33717f61', title: 'first', content: '# one', date: new Date('2026-01-01T00:00:00Z') },
      { uuid: '3dd0d1f8-8246-4519-b11a-a3dd33717f62', title: 'second', content: '# two', date: new Date('2026-02-01T00:00:00Z') },
      { uuid: '3dd0d1f8-8246-4519-b11a-a3dd33717f63', title: 'third', content: '# three', date: new Date('2026-03-01T00:00:00Z') },
    ]);
  });
  afterAll(async () => {
    await api?.close();
    await context.close();
    keys.remove();
  });

  it('lists newest first, paginated, with X-Total-Count and without content', async () => {
    const first = await get('/api/announcements?per_page=2', owner.authorization);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-total-count')).toBe('3');
    expect(await readJson(first)).toEqual([
      { uuid: '3dd0d1f8-8246-4519-b11a-a3dd33717f63', title: 'third', date: '2026-03-01T00:00:00.000Z' },
      { uuid: '3dd0d1f8-8246-4519-b11a-a3dd33717f62', title: 'second', date: '2026-02-01T00:00:00.000Z' },
    ]);
    const second = await readJson<{ title: string }[]>(await get('/api/announcements?per_page=2&page=2', owner.authorization));
    expect(second.map(({ title }) => title)).toEqual(['first']);
    const ascending = await readJson<{ title: string }[]>(await get('/api/announcements?order_by=asc', owner.authorization));
    expect(ascending.map(({ title }) => title)).toEqual(['first', 'second', 'third']);
  });

  it('gets one by uuid, 404 for an unknown one, 400 for a malformed one or query', async () => {
    const found = await get('/api/announcements/3dd0d1f8-8246-4519-b11a-a3dd33717f62', owner.authorization);
    expect(found.status).toBe(200);
    expect(await readJson(found)).toEqual({
      uuid: '3dd0d1f8-8246-4519-b11a-a3dd33717f62', title: 'second', content: '# two', date: '2026-02-01T00:00:00.000Z',
    });
    expect((await get('/api/announcements/3dd0d1f8-8246-4519-b11a-a3dd33717f69', owner.authorization)).status).toBe(404);
    expect((await get('/api/announcements/not-a-uuid', owner.authorization)).status).toBe(400);
    expect((await get('/api/announcements?order_by=sideways', owner.authorization)).status).toBe(400);
    expect((await get('/api/announcements?per_page=101', owner.authorization)).status).toBe(400);
  });

  it('answers 401 without a token', async () => {
    expect((await get('/api/announcements')).status).toBe(401);
    expect((await get('/api/announcements/3dd0d1f8-8246-4519-b11a-a3dd33717f62')).status).toBe(401);
  });
});

/** The announce command of the built api (`npx nx run api:build`; the test target depends on it). */
describe('cli.js announce', () => {
  let context: TestContext;
  const cli = join(workspaceRoot(), 'dist', 'apps', 'api', 'apps', 'api', 'src', 'cli.js');
  const announce = (...args: string[]) =>
    promisify(execFile)(process.execPath, [cli, 'announce', ...args], { env: childEnvironment(serverEnvironment(context)), timeout: 30_000 });

  beforeAll(async () => {
    context = await createTestContext(`${__filename}-cli`);
  });
  afterAll(() => context.close());

  it('posts an announcement and prints it; refuses a missing title with exit code 64', async () => {
    const { stdout } = await announce('--title', 'Maintenance', '--content', 'Down at **noon**.');
    const printed = JSON.parse(stdout) as { uuid: string; title: string; content: string; date: string };
    expect(printed).toMatchObject({ title: 'Maintenance', content: 'Down at **noon**.' });
    expect(await context.models.announcements.countDocuments({ uuid: printed.uuid })).toBe(1);
    await expect(announce('--content', 'x')).rejects.toMatchObject({ code: 64 });
  });
});
