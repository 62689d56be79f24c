import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SshResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Options that make the stock OpenSSH client scriptable against a throwaway gateway. */
export function clientOptions(port: number, identity?: string): string[] {
  return [
    '-p', String(port),
    '-o', 'StrictHostKeyChecking=no',
    '-o', 'UserKnownHostsFile=/dev/null',
    '-o', 'ConnectTimeout=20',
    ...(identity ? ['-i', identity, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', 'PreferredAuthentications=publickey'] : []),
  ];
}

export function runSsh(args: string[], options: { input?: string | Buffer; env?: Record<string, string | undefined>; timeoutMs?: number } = {}): SshResult {
  const result = spawnSync('ssh', args, {
    input: options.input,
    env: options.env,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

export function runAsync(command: string, args: string[], options: { env?: Record<string, string | undefined>; input?: string } = {}): Promise<SshResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    // ssh may exit (a refused connection) before it read its input: that is its status to report, not an error here.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** Makes ssh, scp and sftp type a password through SSH_ASKPASS (OpenSSH 8.4+), without a terminal. */
export function askpassEnvironment(directory: string, password: string, base: Record<string, string | undefined>): Record<string, string | undefined> {
  const script = join(directory, `askpass-${Math.random().toString(16).slice(2)}.sh`);
  writeFileSync(script, `#!/bin/sh\nprintf '%s\\n' '${password.replace(/'/g, `'\\''`)}'\n`);
  chmodSync(script, 0o700);
  return { ...base, SSH_ASKPASS: script, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' };
}

export function generateClientKey(path: string): string {
  spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'e2e', '-f', path], { encoding: 'utf8' });
  return path;
}
