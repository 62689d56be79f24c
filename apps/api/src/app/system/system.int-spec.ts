import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestContext, type RunningHttpApp, type TestContext } from '@fleetgate/testing';
import { startApi } from '../../testing/api-environment';

const tenant = '00000000-0000-4000-8000-0000000000aa';

describe('operations and agent distribution routes (real database and Redis)', () => {
  let context: TestContext;
  let api: RunningHttpApp;
  let scratch: string;

  beforeAll(async () => {
    context = await createTestContext(__filename);
    api = await startApi(context, {
      PUBLIC_API_ENDPOINT: 'fleet.example.test',
      AGENT_IMAGE: 'registry.example.test/fleetgate/agent:9.9.9',
      AGENT_PACKAGE_URL: 'https://downloads.example.test/fleetgate-agent-9.9.9.tgz',
    });
    scratch = await mkdtemp(join(tmpdir(), 'fleetgate-installer-'));
  });
  afterAll(async () => {
    await api?.close();
    await context.close();
    await rm(scratch, { recursive: true, force: true });
  });

  /** Runs the served script with `sh` and a PATH whose `docker` and `hostname` are recording stand-ins. */
  function runScript(script: string, args: string[], environment: Record<string, string> = {}) {
    const file = join(scratch, `install-${Math.random().toString(36).slice(2)}.sh`);
    writeFileSync(file, script);
    const bin = join(scratch, 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'docker'), `#!/bin/sh\necho "$*" >> ${join(scratch, 'docker.log')}\n[ "$1" != inspect ]\n`);
    writeFileSync(join(bin, 'hostname'), '#!/bin/sh\necho kitchen-pi\n');
    chmodSync(join(bin, 'docker'), 0o755);
    chmodSync(join(bin, 'hostname'), 0o755);
    return spawnSync('sh', [file, ...args], { encoding: 'utf8', env: { PATH: `${bin}:/usr/bin:/bin`, ...environment } });
  }

  it('serves the installer on /install and /install.sh with the namespace and this server filled in', async () => {
    for (const path of ['/install', '/install.sh']) {
      const response = await fetch(`${api.url}${path}?tenant_id=${tenant}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/x-shellscript/);
      const script = await response.text();
      expect(script.startsWith('#!/bin/sh\n')).toBe(true);
      expect(script).toMatch(new RegExp(`^tenant='${tenant}'$`, 'm'));
      expect(script).toMatch(/^server='http:\/\/fleet\.example\.test'$/m);
      expect(script).toMatch(/^image='registry\.example\.test\/fleetgate\/agent:9\.9\.9'$/m);
      expect(script).toMatch(/^package_url='https:\/\/downloads\.example\.test\/fleetgate-agent-9\.9\.9\.tgz'$/m);
      expect(spawnSync('sh', ['-n'], { input: script }).status).toBe(0);
    }
  });

  it('fills in https when a trusted proxy says the request came over TLS', async () => {
    const behindProxy = await startApi(context, { PUBLIC_API_ENDPOINT: 'fleet.example.test', TRUSTED_PROXIES: '127.0.0.0/8,::1/128' });
    try {
      const response = await fetch(`${behindProxy.url}/install.sh?tenant_id=${tenant}`, { headers: { 'X-Forwarded-Proto': 'https' } });
      expect(await response.text()).toMatch(/^server='https:\/\/fleet\.example\.test'$/m);
    } finally {
      await behindProxy.close();
    }
  });

  it('refuses a tenant id that is not one with a 400, so nothing unexpected reaches the script', async () => {
    for (const bad of [`x';reboot;'`, 'a b', 'x'.repeat(65)]) {
      const response = await fetch(`${api.url}/install?tenant_id=${encodeURIComponent(bad)}`);
      expect(response.status).toBe(400);
    }
  });

  it('installs as a container: the architecture detected and the namespace, server and image passed to docker', async () => {
    const script = await (await fetch(`${api.url}/install.sh?tenant_id=${tenant}`)).text();
    const run = runScript(script, ['--method', 'container']);
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(run.stdout).toMatch(/this device is linux\/(amd64|arm64|armv7)/);
    const calls = readFileSync(join(scratch, 'docker.log'), 'utf8').trim().split('\n');
    expect(calls[0]).toBe('inspect fleetgate-agent');
    expect(calls[1]).toBe(
      `run -d --name fleetgate-agent --restart unless-stopped --network host -e FLEETGATE_SERVER_ADDRESS=http://fleet.example.test ` +
        `-e FLEETGATE_TENANT_ID=${tenant} -e FLEETGATE_PREFERRED_HOSTNAME=kitchen-pi -v fleetgate-agent:/var/lib/fleetgate-agent ` +
        'registry.example.test/fleetgate/agent:9.9.9',
    );
  });

  it('installs as a systemd service through the package’s own installer, with TENANT_ID and SERVER_ADDRESS winning', async () => {
    // A stand-in package whose deploy/install.sh records the arguments it is given.
    const packageRoot = join(scratch, 'pkg');
    mkdirSync(join(packageRoot, 'fleetgate-agent/deploy'), { recursive: true });
    writeFileSync(join(packageRoot, 'fleetgate-agent/deploy/install.sh'), `printf '%s\\n' "$@" > ${join(scratch, 'install-args')}\n`);
    const tarball = join(scratch, 'fleetgate-agent-test.tgz');
    expect(spawnSync('tar', ['-czf', tarball, '-C', packageRoot, 'fleetgate-agent']).status).toBe(0);

    const script = await (await fetch(`${api.url}/install`)).text();
    const missing = runScript(script, ['--method', 'systemd', '--package', tarball]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/no namespace: fetch this script with \?tenant_id=/);

    const run = runScript(script, ['--package', tarball, '--root', join(scratch, 'root'), '--no-apt'], {
      TENANT_ID: 'tenant-from-env',
      SERVER_ADDRESS: 'https://other.example.test',
    });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(run.stdout).toMatch(/installing as a systemd for namespace tenant-from-env on https:\/\/other\.example\.test/);
    expect(readFileSync(join(scratch, 'install-args'), 'utf8').trim().split('\n')).toEqual([
      '--package',
      tarball,
      '--tenant-id',
      'tenant-from-env',
      '--server-address',
      'https://other.example.test',
      '--root',
      join(scratch, 'root'),
      '--no-apt',
    ]);
  });

  it('answers liveness on /livez and readiness on /readyz', async () => {
    const live = await fetch(`${api.url}/livez`);
    expect({ status: live.status, body: await live.json() }).toEqual({ status: 200, body: { status: 'ok' } });
    const ready = await fetch(`${api.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', service: 'api', checks: { database: 'up', redis: 'up' } });
  });

  it('serves Prometheus metrics: request latency by route template, and event-loop delay', async () => {
    await fetch(`${api.url}/api/devices/some-uid`);
    await fetch(`${api.url}/no/such/path/${Math.random()}`);
    const response = await fetch(`${api.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/^fleetgate_http_request_duration_seconds_count\{method="GET",route="\/api\/devices\/:uid",status="401"\} 1$/m);
    expect(text).toMatch(/^fleetgate_http_request_duration_seconds_count\{method="GET",route="unmatched",status="404"\} \d+$/m);
    expect(text).toMatch(/^fleetgate_http_request_duration_seconds_count\{method="GET",route="\/install",status="200"\} \d+$/m);
    expect(text).toContain('# TYPE fleetgate_nodejs_eventloop_lag_p99_seconds gauge');
  });
});
