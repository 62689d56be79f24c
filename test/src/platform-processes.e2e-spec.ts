import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AppProcess,
  childEnvironment,
  createTestContext,
  freePort,
  serverEnvironment,
  startAppProcess,
  type TestContext,
} from '@fleetgate/testing';
import { entryPoint, root, startNodeApp } from './apps';

describe('every app as a real process', () => {
  let context: TestContext;
  let scratch: string;
  const running: AppProcess[] = [];

  beforeAll(async () => {
    context = await createTestContext(__filename);
    scratch = await mkdtemp(join(tmpdir(), 'fleetgate-e2e-'));
  });
  afterAll(async () => {
    await Promise.all(running.map((app) => app.stop('SIGKILL')));
    await context.close();
    await rm(scratch, { recursive: true, force: true });
  });

  async function expectGracefulStop(app: AppProcess): Promise<void> {
    running.splice(running.indexOf(app), 1);
    await expect(app.stop('SIGTERM')).resolves.toBe(0);
  }

  it('api starts, answers /healthcheck, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const env = serverEnvironment(context, { API_PORT: String(port), LOG_LEVEL: 'info' });
    const api = await startNodeApp('api', env, { url: `http://127.0.0.1:${port}/healthcheck` });
    running.push(api);

    const response = await fetch(`http://127.0.0.1:${port}/healthcheck`, { headers: { authorization: 'Bearer secret-token-value' } });
    expect(await response.json()).toMatchObject({ status: 'ok', checks: { database: 'up', redis: 'up' } });
    await expectGracefulStop(api);
    // Structured logs, one JSON object per line, with request ids and without the caller's token.
    const lines = api.output().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
    expect(lines.some((line) => line.req?.id && line.req.url === '/healthcheck' && line.res?.statusCode === 200)).toBe(true);
    expect(api.output()).not.toContain('secret-token-value');
  });

  it('ssh gateway starts, answers /healthz and SSH, and stops cleanly', async () => {
    const [sshPort, httpPort] = [await freePort(), await freePort()];
    const env = serverEnvironment(context, {
      SSH_PORT: String(sshPort),
      SSH_HTTP_PORT: String(httpPort),
      SSH_HOST_KEY_DIR: join(scratch, 'ssh'),
    });
    const ssh = await startNodeApp('ssh', env, { url: `http://127.0.0.1:${httpPort}/healthz` });
    running.push(ssh);

    // The stock OpenSSH client reaches the gateway and is refused (no device access yet), not left hanging.
    const attempt = spawnSync(
      'ssh',
      ['-p', String(sshPort), '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'ConnectTimeout=10', 'pi@acme.kitchen-pi@127.0.0.1', 'true'],
      { encoding: 'utf8', timeout: 20_000 },
    );
    expect(attempt.status).toBe(255);
    expect(attempt.stderr).toMatch(/Permission denied/);
    await expectGracefulStop(ssh);
  });

  it('worker starts, answers /healthz, and stops cleanly', async () => {
    const port = await freePort();
    const worker = await startNodeApp('worker', serverEnvironment(context, { WORKER_HEALTH_PORT: String(port) }), {
      url: `http://127.0.0.1:${port}/healthz`,
    });
    running.push(worker);
    await expectGracefulStop(worker);
  });

  it('agent prints its version, starts with a new key, and stops cleanly', async () => {
    const version = spawnSync(process.execPath, [entryPoint('agent'), '--version'], { encoding: 'utf8' });
    expect(version.stdout).toMatch(/^fleetgate-agent \d+\.\d+\.\d+/);

    const agent = await startNodeApp(
      'agent',
      {
        FLEETGATE_SERVER_ADDRESS: 'http://127.0.0.1:9',
        FLEETGATE_TENANT_ID: '00000000-0000-4000-8000-000000000000',
        FLEETGATE_PRIVATE_KEY: join(scratch, 'agent', 'agent.key'),
      },
      { pattern: /"event":"ready"/ },
    );
    running.push(agent);
    expect(agent.output()).toContain('"newKey":true');
    await expectGracefulStop(agent);
  });

  it.each([
    ['api', { MONGO_URL: 'mongodb://127.0.0.1:27017/', REDIS_URL: 'not-a-url' }, /REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/],
    ['ssh', { REDIS_URL: 'redis://127.0.0.1:6379' }, /MONGO_URL: is required but not set/],
    ['worker', { MONGO_URL: 'mongodb://x', REDIS_URL: 'redis://x', WORKER_HEALTH_PORT: 'eighty' }, /WORKER_HEALTH_PORT: /],
    ['agent', { FLEETGATE_SERVER_ADDRESS: 'ftp://x' }, /FLEETGATE_SERVER_ADDRESS \(flag --server\): must be an http/],
  ] as const)('%s refuses bad configuration with a message naming the variable', (app, env, message) => {
    const run = spawnSync(process.execPath, [entryPoint(app)], { env: childEnvironment(env), encoding: 'utf8', cwd: root, timeout: 20_000 });
    expect(run.status).toBe(78);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/at .*\.js:\d+/); // a message, not a stack trace
  });

  it('ui builds and is served as a page', async () => {
    const port = await freePort();
    const ui = await startAppProcess({
      name: 'ui',
      command: process.execPath,
      args: [join(root, 'node_modules/vite/bin/vite.js'), 'preview', '--config', 'apps/ui/vite.config.mts', '--port', String(port), '--strictPort', '--host', '127.0.0.1'],
      env: childEnvironment(),
      cwd: root,
      readyUrl: `http://127.0.0.1:${port}/`,
      timeoutMs: 60_000,
    });
    running.push(ui);
    const page = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    expect(page).toContain('<title>Fleetgate</title>');
    expect(page).toMatch(/<script type="module"[^>]+src="\/assets\/index-[^"]+\.js"/);
    running.splice(running.indexOf(ui), 1);
    await ui.stop('SIGTERM');
  });
});
