import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AppProcess, childEnvironment, createTestContext, startAppProcess, type TestContext } from '@fleetgate/testing';
import { root } from './apps';
import { clientOptions, generateClientKey, runAsync } from './support/openssh';
import { eventually, type Platform, startPlatform } from './support/platform';

/**
 * The agent as a Raspberry Pi OS user runs it: the plain package (dist/fleetgate-agent) on Debian 12's own Node.js 18
 * for arm64, in an emulated arm64 Debian (scripts/arm64/device.sh) whose programs are arm64 too, with node-pty
 * compiled inside it by the package's own build script. It registers with the real API and serves the real OpenSSH
 * client through the real gateway.
 */
const DEVICE_SCRIPT = join(root, 'scripts', 'arm64', 'device.sh');
const HOSTNAME = 'emulated-pi';
const check = spawnSync('bash', [DEVICE_SCRIPT, 'check'], { encoding: 'utf8' });
const unavailable = check.status === 0 ? null : (check.stdout.trim() || check.stderr.trim() || `exit ${check.status}`);
const describeEmulated = unavailable === null ? describe : describe.skip;
if (unavailable !== null) console.warn(`arm64 agent e2e skipped: ${unavailable}`);

interface DeviceJson {
  uid: string;
  name: string;
  online: boolean;
  info: { arch: string; version: string; id: string };
}

function runStep(args: string[], what: string): string {
  const result = spawnSync('bash', [DEVICE_SCRIPT, ...args], { encoding: 'utf8', timeout: 20 * 60_000 });
  if (result.status !== 0) throw new Error(`${what} failed (${result.status}):\n${result.stderr}${result.stdout}`);
  return result.stdout.trim().split('\n').pop() ?? '';
}

describeEmulated('the agent on Debian 12 arm64 with Node 18, emulated', () => {
  let context: TestContext;
  let scratch: string;
  let platform: Platform;
  let agent: AppProcess;
  let key: string;
  let target: string;
  let startedAt: number;
  let readyMs: number;

  beforeAll(async () => {
    context = await createTestContext(__filename);
    scratch = await mkdtemp(join(tmpdir(), 'fleetgate-arm64-'));
    const built = spawnSync(process.execPath, [join(root, 'apps/agent/packaging/build-package.mjs')], { encoding: 'utf8', cwd: root });
    if (built.status !== 0) throw new Error(`packaging the agent failed:\n${built.stderr}${built.stdout}`);
    const packageDir = join(root, 'dist', 'fleetgate-agent');
    runStep(['prepare'], 'preparing the arm64 root folder');
    const ptyBinding = runStep(['pty', packageDir], 'compiling node-pty for arm64');

    platform = await startPlatform(context, scratch, 'acme');
    mkdirSync(join(scratch, 'agent-state'), { recursive: true });
    startedAt = Date.now();
    agent = await startAppProcess({
      name: 'arm64-agent',
      command: 'bash',
      args: [
        DEVICE_SCRIPT,
        'run',
        '--bind', `${packageDir}:/opt/fleetgate-agent:ro`,
        '--bind', `${ptyBinding}:/opt/fleetgate-agent/node_modules/node-pty/build/Release/pty.node:ro`,
        '--bind', `${join(scratch, 'agent-state')}:/var/lib/fleetgate-agent`,
        '--',
        `FLEETGATE_SERVER_ADDRESS=${platform.apiUrl}`,
        `FLEETGATE_TENANT_ID=${platform.tenantId}`,
        'FLEETGATE_PRIVATE_KEY=/var/lib/fleetgate-agent/agent.key',
        `FLEETGATE_PREFERRED_HOSTNAME=${HOSTNAME}`,
        'FLEETGATE_LOG_LEVEL=debug',
        '/usr/bin/node',
        '/opt/fleetgate-agent/bin/fleetgate-agent',
      ],
      env: childEnvironment(),
      readyPattern: /"event":"tunnel-up"/,
      timeoutMs: 300_000,
    });
    readyMs = Date.now() - startedAt;

    const device = await eventually(async () => {
      const list = await platform.api<DeviceJson[]>('GET', '/api/devices?status=pending');
      return list.body.find((entry) => entry.name === HOSTNAME);
    }, 60_000, 'the emulated device to register');
    expect((await platform.api('PATCH', `/api/devices/${device.uid}/accept`)).status).toBe(200);
    key = generateClientKey(join(scratch, 'id_ed25519'));
    const created = await platform.api('POST', '/api/sshkeys/public-keys', {
      data: Buffer.from(readFileSync(`${key}.pub`, 'utf8').trim()).toString('base64'),
      filter: { hostname: '.*' },
      name: 'arm64 e2e key',
      username: '.*',
    });
    expect(created.status).toBe(200);
    target = `root@${platform.namespace}.${HOSTNAME}@127.0.0.1`;
    await eventually(async () => (await platform.api<DeviceJson>('GET', `/api/devices/${device.uid}`)).body.online, 60_000, 'the device to be online');
  }, 30 * 60_000);

  afterAll(async () => {
    await agent?.stop('SIGTERM');
    await platform?.stop();
    await context?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  const ssh = (...args: string[]) => runAsync('ssh', [...clientOptions(platform.sshPort, key), ...args]);

  it('registers with ShellHub’s architecture name and reports its start-up cost', async () => {
    const devices = (await platform.api<DeviceJson[]>('GET', '/api/devices?per_page=100')).body;
    expect(devices.find((entry) => entry.name === HOSTNAME)?.info).toMatchObject({ arch: 'arm64', id: 'debian' });
    const started = /\{[^\n]*"event":"started"[^\n]*\}/.exec(agent.output());
    expect(started).not.toBeNull();
    const figures = JSON.parse(started?.[0] ?? '{}') as { node: string; startupMs: number; rssBytes: number; heapUsedBytes: number };
    expect(figures.node).toMatch(/^18\./);
    console.info(
      `arm64 agent (Node ${figures.node}, emulated): loaded in ${figures.startupMs} ms, rss ${(figures.rssBytes / 2 ** 20).toFixed(1)} MiB, ` +
        `heap used ${(figures.heapUsedBytes / 2 ** 20).toFixed(1)} MiB; tunnel up ${readyMs} ms after spawn`,
    );
  });

  it('runs the device’s own programs: uname -m prints aarch64', async () => {
    const result = await ssh(target, 'uname -m');
    expect({ status: result.status, stdout: result.stdout, stderr: result.status === 0 ? '' : result.stderr }).toEqual({ status: 0, stdout: 'aarch64\n', stderr: '' });
  }, 120_000);

  it('gives ssh -tt a working PTY', async () => {
    const result = await ssh('-tt', target, 'tty; stty size');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^\/dev\/pts\/\d+\r?\n\d+ \d+/);
  }, 120_000);

  it('copies a file up and down with scp, unchanged', async () => {
    const source = join(scratch, 'up.bin');
    const content = randomBytes(256 * 1024);
    writeFileSync(source, content);
    const scpOptions = clientOptions(platform.sshPort, key).map((option) => (option === '-p' ? '-P' : option));
    const up = await runAsync('scp', [...scpOptions, source, `${target}:/root/roundtrip.bin`]);
    expect({ status: up.status, stderr: up.status === 0 ? '' : up.stderr }).toEqual({ status: 0, stderr: '' });
    const down = await runAsync('scp', [...scpOptions, `${target}:/root/roundtrip.bin`, join(scratch, 'down.bin')]);
    expect({ status: down.status, stderr: down.status === 0 ? '' : down.stderr }).toEqual({ status: 0, stderr: '' });
    expect(readFileSync(join(scratch, 'down.bin')).equals(content)).toBe(true);
  }, 180_000);
});
