import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from './workspace-root';

export interface AppProcessOptions {
  name: string;
  command: string;
  args: readonly string[];
  env: Record<string, string | undefined>;
  cwd?: string;
  /** Ready when GET of this URL answers 200. */
  readyUrl?: string;
  /** Ready when a line of output matches. */
  readyPattern?: RegExp;
  timeoutMs?: number;
}

export interface AppProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr), for assertions and failure messages. */
  output(): string;
  /** Sends a signal and resolves with the exit code (or the signal name if it was killed). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | string>;
  exited(): Promise<number | string>;
}

const MAX_OUTPUT = 256 * 1024;

/**
 * Where every app a test starts leaves its whole output, one file per process: `scripts/scan-app-logs.js` reads
 * them after an e2e run to prove that no token, password, private key or API key was logged (issue 15).
 */
export function appLogDirectory(): string {
  return join(workspaceRoot(), '.test-results', 'app-logs');
}

/** Starts an app as a real process (e2e tests) and waits until it is ready, or fails with its output. */
export async function startAppProcess(options: AppProcessOptions): Promise<AppProcess> {
  const child = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    env: options.env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let buffer = '';
  mkdirSync(appLogDirectory(), { recursive: true });
  const logFile = createWriteStream(join(appLogDirectory(), `${options.name}-${child.pid ?? 'unknown'}.log`), { flags: 'a' });
  const append = (chunk: Buffer) => {
    buffer = (buffer + chunk.toString('utf8')).slice(-MAX_OUTPUT);
    logFile.write(chunk);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exit = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  // After the last output: 'close' comes once the process's pipes are drained.
  child.once('close', () => logFile.end());

  const handle: AppProcess = {
    name: options.name,
    child,
    output: () => buffer,
    exited: () => exit,
    async stop(signal = 'SIGTERM', timeoutMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exit;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const result = await exit;
      clearTimeout(timer);
      return result;
    },
  };

  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let exitedEarly: number | string | undefined;
  void exit.then((code) => (exitedEarly = code));
  while (Date.now() < deadline) {
    if (exitedEarly !== undefined) {
      throw new Error(`${options.name} exited with ${exitedEarly} before it was ready:\n${buffer}`);
    }
    if (options.readyPattern && options.readyPattern.test(buffer)) return handle;
    if (options.readyUrl && (await answers(options.readyUrl))) return handle;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await handle.stop('SIGKILL');
  throw new Error(`${options.name} was not ready within ${options.timeoutMs ?? 30_000} ms:\n${buffer}`);
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    return response.status === 200;
  } catch {
    return false;
  }
}
