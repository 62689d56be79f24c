import { join } from 'node:path';
import { childEnvironment, startAppProcess, type AppProcess, workspaceRoot } from '@fleetgate/testing';

export const root = workspaceRoot();

/** The built entry point of an app, as deployments run it. */
export function entryPoint(app: 'api' | 'ssh' | 'worker' | 'agent'): string {
  return join(root, 'dist', 'apps', app, 'apps', app, 'src', 'main.js');
}

export function startNodeApp(
  app: 'api' | 'ssh' | 'worker' | 'agent',
  env: Record<string, string | undefined>,
  ready: { url?: string; pattern?: RegExp },
  args: string[] = [],
): Promise<AppProcess> {
  return startAppProcess({
    name: app,
    command: process.execPath,
    args: [entryPoint(app), ...args],
    // Logs at info at least, even where a test asked for silence: scripts/scan-app-logs.js reads every app's output
    // after the run to prove that no secret is logged, and a silent app would prove nothing.
    env: childEnvironment({ ...env, ...(env['LOG_LEVEL'] === 'silent' ? { LOG_LEVEL: 'info' } : {}) }),
    cwd: root,
    readyUrl: ready.url,
    readyPattern: ready.pattern,
    timeoutMs: 60_000,
  });
}
