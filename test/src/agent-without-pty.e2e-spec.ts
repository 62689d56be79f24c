import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { type AppProcess, childEnvironment, createTestContext, startAppProcess, type TestContext } from '@fleetgate/testing';
import { root } from './apps';
import { clientOptions, generateClientKey, runAsync } from './support/openssh';
import { eventually, type Platform, startPlatform } from './support/platform';

/**
 * The agent's package with node-pty's binding missing, as on an ARM board where it was never compiled: the agent
 * starts, refuses terminals with a message that says why, and commands and scp keep working.
 */
describe('the agent without a node-pty binding', () => {
  const HOSTNAME = 'no-pty-device';
  const user = userInfo().username;
  let context: TestContext;
  let scratch: string;
  let packageDir: string;
  let platform: Platform;
  let agent: AppProcess;
  let key: string;
  let target: string;

  beforeAll(async () => {
    context = await createTestContext(__filename);
    scratch = await mkdtemp(join(tmpdir(), 'fleetgate-no-pty-'));
    const built = spawnSync(process.execPath, [join(root, 'apps/agent/packaging/build-package.mjs')], { encoding: 'utf8', cwd: root });
    if (built.status !== 0) throw new Error(`packaging the agent failed:\n${built.stderr}${built.stdout}`);
    packageDir = join(scratch, 'fleetgate-agent');
    cpSync(join(root, 'dist', 'fleetgate-agent'), packageDir, { recursive: true });
    rmSync(join(packageDir, 'node_modules', 'node-pty', 'build'), { recursive: true, force: true });

    platform = await startPlatform(context, scratch, 'acme');
    agent = await startAppProcess({
      name: 'agent-without-pty',
      command: process.execPath,
      args: [join(packageDir, 'bin', 'fleetgate-agent')],
      env: childEnvironment({
        FLEETGATE_SERVER_ADDRESS: platform.apiUrl,
        FLEETGATE_TENANT_ID: platform.tenantId,
        FLEETGATE_PRIVATE_KEY: join(scratch, 'agent.key'),
        FLEETGATE_PREFERRED_HOSTNAME: HOSTNAME,
        FLEETGATE_LOG_LEVEL: 'debug',
      }),
      readyPattern: /"event":"tunnel-up"/,
      timeoutMs: 60_000,
    });
    const device = await eventually(async () => {
      const list = await platform.api<Array<{ uid: string; name: string }>>('GET', '/api/devices?status=pending');
      return list.body.find((entry) => entry.name === HOSTNAME);
    }, 20_000, 'the device to register');
    expect((await platform.api('PATCH', `/api/devices/${device.uid}/accept`)).status).toBe(200);
    key = generateClientKey(join(scratch, 'id_ed25519'));
    const created = await platform.api('POST', '/api/sshkeys/public-keys', {
      data: Buffer.from(readFileSync(`${key}.pub`, 'utf8').trim()).toString('base64'),
      filter: { hostname: '.*' },
      name: 'no-pty key',
      username: '.*',
    });
    expect(created.status).toBe(200);
    target = `${user}@${platform.namespace}.${HOSTNAME}@127.0.0.1`;
    await eventually(async () => (await platform.api<{ online: boolean }>('GET', `/api/devices/${device.uid}`)).body.online, 20_000, 'the device to be online');
  }, 120_000);

  afterAll(async () => {
    await agent?.stop('SIGTERM');
    await platform?.stop();
    await context?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  const ssh = (...args: string[]) => runAsync('ssh', [...clientOptions(platform.sshPort, key), ...args]);

  it('starts and answers --help without loading node-pty', () => {
    const help = spawnSync(process.execPath, [join(packageDir, 'bin', 'fleetgate-agent'), '--help'], { encoding: 'utf8' });
    expect({ status: help.status, stderr: help.stderr }).toEqual({ status: 0, stderr: '' });
  });

  it('runs a command asked for with a terminal without one, and says why', async () => {
    const result = await ssh('-tt', target, 'tty; echo after-tty');
    expect(result.stderr).toMatch(/no terminal to give \(its agent could not load node-pty/);
    expect(result.stdout).toMatch(/not a tty\r?\nafter-tty/);
    expect(agent.output()).toMatch(/"event":"pty-refused"[^\n]*node-pty's native binding did not load/);
  });

  it('still runs commands and copies files with scp', async () => {
    expect(await ssh(target, 'echo plain')).toMatchObject({ status: 0, stdout: 'plain\n' });
    const source = join(scratch, 'up.bin');
    const content = randomBytes(128 * 1024);
    writeFileSync(source, content);
    const scpOptions = clientOptions(platform.sshPort, key).map((option) => (option === '-p' ? '-P' : option));
    const remote = join(scratch, 'remote.bin');
    expect((await runAsync('scp', [...scpOptions, source, `${target}:${remote}`])).status).toBe(0);
    expect((await runAsync('scp', [...scpOptions, `${target}:${remote}`, join(scratch, 'down.bin')])).status).toBe(0);
    expect(readFileSync(join(scratch, 'down.bin')).equals(content)).toBe(true);
  });
});
