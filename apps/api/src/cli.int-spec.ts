import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadOrCreatePlatformKeys } from '@fleetgate/auth';
import { loadApiConfig } from '@fleetgate/config';
import { chunkHash, GENESIS_HASH, signHead } from '@fleetgate/recordings';
import {
  bootHttpApp,
  childEnvironment,
  createTestContext,
  type RunningHttpApp,
  serverEnvironment,
  type TestContext,
  workspaceRoot,
} from '@fleetgate/testing';
import { createApiApplication } from './bootstrap';
import { temporaryKeyDirectory } from './testing/api-environment';
import { postLogin } from './testing/members';

const run = promisify(execFile);

/** The seed command of the built api (`npx nx run api:build`; the test target depends on it). */
describe('cli.js seed', () => {
  let context: TestContext;
  const cli = join(workspaceRoot(), 'dist', 'apps', 'api', 'apps', 'api', 'src', 'cli.js');

  const seed = (...args: string[]) =>
    run(process.execPath, [cli, 'seed', ...args], {
      env: childEnvironment(serverEnvironment(context)),
      timeout: 30_000,
    });
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected the command to fail');
      },
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
  const count = (model: 'users' | 'namespaces' | 'memberships', filter: Record<string, unknown>) =>
    context.models[model].countDocuments(filter);

  beforeAll(async () => {
    context = await createTestContext(__filename);
  });
  afterAll(() => context.close());

  it('creates the user, the namespace with the given tenant and the owner membership, once however often it runs', async () => {
    const tenant = randomUUID();
    const args = [
      '--username',
      'Alice',
      '--password',
      'secret123',
      '--email',
      'alice@example.test',
      '--namespace',
      'acme',
      '--tenant',
      tenant,
    ];

    const first = await seed(...args);
    const printed = JSON.parse(first.stdout.trim());
    expect(printed).toEqual({
      tenant_id: tenant,
      namespace: 'acme',
      user_id: expect.any(String),
      username: 'alice',
    });
    expect(first.stdout.trim().split('\n')).toHaveLength(1);

    const second = await seed(...args);
    expect(JSON.parse(second.stdout)).toEqual(printed);
    expect(await count('users', { username: 'alice' })).toBe(1);
    expect(await count('namespaces', { name: 'acme' })).toBe(1);
    expect(
      await count('memberships', {
        tenant_id: tenant,
        user_id: printed.user_id,
        role: 'owner',
        status: 'accepted',
      }),
    ).toBe(1);
  });

  it('makes a new tenant id when none is given, and the seeded user can log in to it', async () => {
    const { stdout } = await seed(
      '--username',
      'bob',
      '--password',
      'secret123',
      '--email',
      'bob@example.test',
      '--namespace',
      'bobs',
    );
    const { tenant_id: tenantId } = JSON.parse(stdout);
    expect(tenantId).toMatch(/^[0-9a-f-]{36}$/);

    const keys = temporaryKeyDirectory();
    let api: RunningHttpApp | undefined;
    try {
      api = await bootHttpApp(() =>
        createApiApplication(loadApiConfig(serverEnvironment(context, { PLATFORM_KEY_DIR: keys.path }))),
      );
      const response = await postLogin(api, { username: 'bob', password: 'secret123' });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ tenant: tenantId, role: 'owner' });
    } finally {
      await api?.close();
      keys.remove();
    }
  });

  it('refuses a namespace that exists with another tenant id, and bad or missing arguments', async () => {
    await seed(
      '--username',
      'carol',
      '--password',
      'secret123',
      '--email',
      'carol@example.test',
      '--namespace',
      'carols',
    );
    const conflict = await failure(
      seed(
        '--username',
        'carol',
        '--password',
        'secret123',
        '--email',
        'carol@example.test',
        '--namespace',
        'carols',
        '--tenant',
        randomUUID(),
      ),
    );
    expect(conflict).toEqual({
      code: 1,
      stderr: expect.stringMatching(/namespace carols already exists with tenant id/),
    });

    const invalid = await failure(
      seed('--username', 'x', '--password', '1', '--email', 'nope', '--namespace', 'Bad_Name'),
    );
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/username must be .*email must be .*namespace must be .*password must be/);

    expect(await failure(seed('--username', 'dave'))).toMatchObject({
      code: 64,
      stderr: expect.stringMatching(/Usage:/),
    });
  });
});

describe('cli.js setup-url', () => {
  let context: TestContext;
  const cli = join(workspaceRoot(), 'dist', 'apps', 'api', 'apps', 'api', 'src', 'cli.js');

  beforeAll(async () => {
    context = await createTestContext(`${__filename}#setup-url`);
  });
  afterAll(() => context.close());

  it('prints the first-run link whose sign POST /api/setup accepts', async () => {
    const keys = temporaryKeyDirectory();
    const environment = serverEnvironment(context, {
      PLATFORM_KEY_DIR: keys.path,
      PUBLIC_UI_URL: 'https://console.fleetgate.test',
    });
    let api: RunningHttpApp | undefined;
    try {
      const { stdout } = await run(process.execPath, [cli, 'setup-url'], {
        env: childEnvironment(environment),
        timeout: 30_000,
      });
      const link = new URL(stdout.trim());
      expect(`${link.origin}${link.pathname}`).toBe('https://console.fleetgate.test/setup');
      const sign = link.searchParams.get('sign') ?? '';
      expect(sign).toMatch(/^[0-9a-f]{64}$/);

      api = await bootHttpApp(() => createApiApplication(loadApiConfig(environment)));
      const response = await fetch(`${api.url}/api/setup?sign=${sign}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'Admin',
          email: 'admin@example.test',
          username: 'admin',
          password: 'a long passphrase',
        }),
      });
      expect(response.status).toBe(200);
      expect((await postLogin(api, { username: 'admin', password: 'a long passphrase' })).status).toBe(200);
    } finally {
      await api?.close();
      keys.remove();
    }
  });
});

describe('cli.js admin', () => {
  let context: TestContext;
  const cli = join(workspaceRoot(), 'dist', 'apps', 'api', 'apps', 'api', 'src', 'cli.js');
  const runCli = (...args: string[]) =>
    run(process.execPath, [cli, ...args], { env: childEnvironment(serverEnvironment(context)), timeout: 30_000 });
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected the command to fail');
      },
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );

  beforeAll(async () => {
    context = await createTestContext(`${__filename}#admin`);
  });
  afterAll(() => context.close());

  it('grants and revokes instance administration, and refuses unknown users and missing arguments', async () => {
    await runCli('seed', '--username', 'erin', '--password', 'secret123', '--email', 'erin@example.test', '--namespace', 'erins');
    const granted = await runCli('admin', '--username', 'Erin');
    expect(JSON.parse(granted.stdout)).toEqual({ username: 'erin', admin: true });
    expect(await context.models.users.countDocuments({ username: 'erin', admin: true })).toBe(1);

    const revoked = await runCli('admin', '--username', 'erin', '--revoke');
    expect(JSON.parse(revoked.stdout)).toEqual({ username: 'erin', admin: false });
    expect(await context.models.users.countDocuments({ username: 'erin', admin: true })).toBe(0);

    expect(await failure(runCli('admin', '--username', 'nobody-here'))).toEqual({
      code: 1,
      stderr: expect.stringMatching(/there is no user "nobody-here"/),
    });
    expect(await failure(runCli('admin'))).toMatchObject({ code: 64, stderr: expect.stringMatching(/Usage:/) });
  }, 120_000);
});

describe('cli.js verify', () => {
  const cli = join(workspaceRoot(), 'dist', 'apps', 'api', 'apps', 'api', 'src', 'cli.js');

  /** A two-chunk bundle as GET /api/sessions/{uid}/recording serves it, signed with the folder's platform key. */
  async function bundle(directory: string): Promise<{ lines: string[]; publicKeyPath: string }> {
    const keys = await loadOrCreatePlatformKeys(directory);
    const session = 'ab'.repeat(32);
    const lines = [JSON.stringify({ format: 'fleetgate-recording-bundle-v1', session, public_key: keys.publicKeyPem })];
    let previousHash = GENESIS_HASH;
    for (const seq of [0, 1]) {
      const frames: Array<[number, 'o', string]> = [[1_000 + seq, 'o', Buffer.from(`chunk ${seq}\r\n`).toString('base64')]];
      const hash = chunkHash({ sessionUid: session, seq, previousHash, frames });
      lines.push(JSON.stringify({ type: 'chunk', seq, previous_hash: previousHash, hash, last: seq === 1, frames }));
      if (seq === 1) {
        const signature = signHead({ sessionUid: session, seq, hash, signedAt: 2_000 }, keys.privateKeyPem);
        lines.push(JSON.stringify({ type: 'signature', seq, hash, signed_at: 2_000, algorithm: 'RS256', signature }));
      }
      previousHash = hash;
    }
    return { lines, publicKeyPath: join(directory, 'platform.pub') };
  }

  it('exits 0 on an intact recording and 1, naming the chunk, on a tampered one', async () => {
    const keys = temporaryKeyDirectory();
    try {
      const { lines, publicKeyPath } = await bundle(keys.path);
      const file = join(keys.path, 'recording.jsonl');
      await writeFile(file, `${lines.join('\n')}\n`);
      const { stdout } = await run(process.execPath, [cli, 'verify', '--file', file, '--public-key', publicKeyPath], { timeout: 30_000 });
      expect(JSON.parse(stdout)).toMatchObject({ status: 'intact', chunks: 2, signed_through: 1 });

      await writeFile(file, `${lines.join('\n').replace(Buffer.from('chunk 0\r\n').toString('base64'), Buffer.from('chunk 9\r\n').toString('base64'))}\n`);
      const failed = await run(process.execPath, [cli, 'verify', '--file', file, '--public-key', publicKeyPath], { timeout: 30_000 }).then(
        () => null,
        (error: { code: number; stdout: string }) => error,
      );
      expect(failed?.code).toBe(1);
      expect(JSON.parse(failed?.stdout ?? '{}')).toMatchObject({ status: 'tampered', first_bad_chunk: 0 });
    } finally {
      keys.remove();
    }
  });
});
