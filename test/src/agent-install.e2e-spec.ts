import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from './apps';

/** The agent's own package and its installer, laid out in a throwaway root folder as deploy/README.md documents. */
describe('the agent package and its installer', () => {
  let scratch: string;
  let tarball: string;
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'fleetgate-install-'));
    const built = spawnSync(process.execPath, [join(root, 'apps/agent/packaging/build-package.mjs')], { encoding: 'utf8', cwd: root });
    if (built.status !== 0) throw new Error(`packaging the agent failed:\n${built.stderr}${built.stdout}`);
    tarball = join(root, 'dist', `fleetgate-agent-${version}.tgz`);
  }, 120_000);
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  it('declares only the agent’s own dependencies and allows Node 18', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'dist/fleetgate-agent/package.json'), 'utf8')) as {
      engines: { node: string };
      dependencies: Record<string, string>;
      optionalDependencies: Record<string, string>;
      bin: Record<string, string>;
    };
    expect(manifest.engines.node).toBe('>=18.18');
    expect(Object.keys(manifest.dependencies).sort()).toEqual(['dockerode', 'jsonwebtoken', 'pino', 'ssh2', 'ws', 'zod']);
    expect(Object.keys(manifest.optionalDependencies).sort()).toEqual(['bufferutil', 'node-pty']);
    expect(manifest.bin['fleetgate-agent']).toBe('bin/fleetgate-agent');
    for (const server of ['re2', 'mongoose', '@nestjs/core', 'bullmq', 'ioredis', 'argon2']) {
      expect(existsSync(join(root, 'dist/fleetgate-agent/node_modules', server))).toBe(false);
    }
  });

  it('runs on its own node_modules and passes its own native check, which never asks for re2', () => {
    const agent = join(root, 'dist/fleetgate-agent/bin/fleetgate-agent');
    const version = spawnSync(agent, ['--version'], { encoding: 'utf8', cwd: scratch, env: { PATH: '/usr/local/bin:/usr/bin:/bin', NODE_PATH: '' } });
    expect(version.stdout).toMatch(/^fleetgate-agent \d+\.\d+\.\d+/);
    const check = spawnSync(process.execPath, [join(root, 'dist/fleetgate-agent/scripts/check-native.js')], { encoding: 'utf8', cwd: scratch });
    expect(check.status).toBe(0);
    expect(`${check.stdout}${check.stderr}`).not.toMatch(/re2/);
  });

  it('installs into a root folder: the executable the unit runs, the unit, and the settings filled in', () => {
    const target = join(scratch, 'root');
    const installed = spawnSync(
      'sh',
      [join(root, 'deploy/agent/install.sh'), '--package', tarball, '--root', target, '--tenant-id', 'tenant-1', '--server-address', 'https://fleet.example.test'],
      { encoding: 'utf8' },
    );
    expect({ status: installed.status, stderr: installed.stderr }).toEqual({ status: 0, stderr: '' });
    expect(installed.stdout).toMatch(/this device is linux\/(amd64|arm64|armv7|armv6|i386)/);
    expect(installed.stdout).toMatch(/node-pty loads: sessions get terminals/);

    const unit = readFileSync(join(target, 'etc/systemd/system/fleetgate-agent.service'), 'utf8');
    const execStart = /^ExecStart=(.+)$/m.exec(unit)?.[1];
    expect(execStart).toBe('/usr/local/bin/fleetgate-agent');
    expect(readlinkSync(join(target, 'usr/local/bin/fleetgate-agent'))).toBe('../lib/fleetgate-agent/bin/fleetgate-agent');
    const run = spawnSync(join(target, 'usr/local/bin/fleetgate-agent'), ['--version'], { encoding: 'utf8' });
    expect(run.stdout).toMatch(/^fleetgate-agent /);

    const settings = join(target, 'etc/fleetgate/agent.env');
    expect(readFileSync(settings, 'utf8')).toMatch(/^FLEETGATE_TENANT_ID=tenant-1$/m);
    expect(readFileSync(settings, 'utf8')).toMatch(/^FLEETGATE_SERVER_ADDRESS=https:\/\/fleet\.example\.test$/m);
    expect(statSync(settings).mode & 0o777).toBe(0o600);

    const again = spawnSync('sh', [join(root, 'deploy/agent/install.sh'), '--package', tarball, '--root', target], { encoding: 'utf8' });
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/keeping the existing/);
  });
});
