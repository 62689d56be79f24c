import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { type AppProcess, freePort, serverEnvironment, type TestContext } from '@fleetgate/testing';
import { entryPoint, root, startNodeApp } from '../apps';

export interface Platform {
  apiUrl: string;
  sshPort: number;
  tunnelUrl: string;
  tenantId: string;
  namespace: string;
  token: string;
  processes: AppProcess[];
  /** The gateway process now running (replaced by `restartGateway`). */
  gateway: AppProcess;
  /**
   * Starts the gateway again on the same ports and keys. A gateway still running is stopped first with `signal`
   * (SIGKILL by default: a crash); one already stopped is simply started again.
   */
  restartGateway(signal?: NodeJS.Signals): Promise<AppProcess>;
  /** Calls the API as the namespace owner. */
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T; headers: Headers }>;
  stop(): Promise<void>;
}

/** Starts the api and the gateway as real processes on this test file's database, with a seeded owner and namespace. */
export async function startPlatform(
  context: TestContext,
  scratch: string,
  namespace = 'acme',
  gatewayEnvironment: Record<string, string> = {},
  /** Overrides for the api's environment (the API benchmark quiets its access log). */
  apiEnvironment: Record<string, string> = {},
): Promise<Platform> {
  const [apiPort, sshPort, tunnelPort] = [await freePort(), await freePort(), await freePort()];
  const shared = {
    PLATFORM_KEY_DIR: join(scratch, 'keys'),
    LOG_LEVEL: 'info',
  };
  const apiEnv = serverEnvironment(context, {
    ...shared,
    API_PORT: String(apiPort),
    PUBLIC_API_ENDPOINT: `127.0.0.1:${apiPort}`,
    PUBLIC_SSH_ENDPOINT: `127.0.0.1:${sshPort}`,
    PUBLIC_TUNNEL_URL: `ws://127.0.0.1:${tunnelPort}`,
    ...apiEnvironment,
  });
  const seeded = spawnSync(
    process.execPath,
    [join(root, 'dist/apps/api/apps/api/src/cli.js'), 'seed', '--username', 'owner', '--password', 'owner-password-1', '--email', 'owner@example.test', '--namespace', namespace],
    { env: { PATH: '/usr/bin:/bin', ...apiEnv }, encoding: 'utf8', cwd: root },
  );
  if (seeded.status !== 0) throw new Error(`seed failed: ${seeded.stderr}${seeded.stdout}`);
  const tenantId = String(JSON.parse(seeded.stdout.trim().split('\n').pop() ?? '{}').tenant_id ?? JSON.parse(seeded.stdout.trim().split('\n').pop() ?? '{}').tenantId);

  const api = await startNodeApp('api', apiEnv, { url: `http://127.0.0.1:${apiPort}/healthcheck` });
  const sshEnv = serverEnvironment(context, {
    ...shared,
    SSH_PORT: String(sshPort),
    SSH_HTTP_PORT: String(tunnelPort),
    SSH_HOST_KEY_DIR: join(scratch, 'hostkeys'),
    ...gatewayEnvironment,
  });
  const startGateway = () => startNodeApp('ssh', sshEnv, { url: `http://127.0.0.1:${tunnelPort}/healthz` });
  const ssh = await startGateway();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const login = await fetch(`${apiUrl}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'owner', password: 'owner-password-1' }),
  });
  if (login.status !== 200) throw new Error(`login failed: HTTP ${login.status} ${await login.text()}`);
  const { token } = (await login.json()) as { token: string };

  const processes = [api, ssh];
  const platform: Platform = {
    apiUrl,
    sshPort,
    tunnelUrl: `ws://127.0.0.1:${tunnelPort}`,
    tenantId,
    namespace,
    token,
    processes,
    gateway: ssh,
    async restartGateway(signal: NodeJS.Signals = 'SIGKILL') {
      await platform.gateway.stop(signal);
      const restarted = await startGateway();
      processes[processes.indexOf(platform.gateway)] = restarted;
      platform.gateway = restarted;
      return restarted;
    },
    async api<T>(method: string, path: string, body?: unknown) {
      const response = await fetch(`${apiUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : null) as T, headers: response.headers };
    },
    async stop() {
      await Promise.all(processes.map((process) => process.stop('SIGTERM')));
    },
  };
  return platform;
}

export function startAgent(platform: Platform, options: { keyPath: string; hostname: string; env?: Record<string, string> }): Promise<AppProcess> {
  return startNodeApp(
    'agent',
    {
      FLEETGATE_SERVER_ADDRESS: platform.apiUrl,
      FLEETGATE_TENANT_ID: platform.tenantId,
      FLEETGATE_PRIVATE_KEY: options.keyPath,
      FLEETGATE_PREFERRED_HOSTNAME: options.hostname,
      FLEETGATE_LOG_LEVEL: 'debug',
      ...options.env,
    },
    { pattern: /"event":"tunnel-up"/ },
  );
}

export { entryPoint };

export async function eventually<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}
