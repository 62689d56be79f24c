import { spawnSync } from 'node:child_process';

/** Creates (or resets) a local account with a known password, as an administrator of the device would. */
export function ensureLocalUser(name: string, password: string): void {
  const exists = spawnSync('id', ['-u', name]).status === 0;
  if (!exists) {
    const created = spawnSync('useradd', ['--create-home', '--shell', '/bin/bash', name], { encoding: 'utf8' });
    if (created.status !== 0) throw new Error(`useradd ${name} failed: ${created.stderr}`);
  }
  const changed = spawnSync('chpasswd', [], { input: `${name}:${password}\n`, encoding: 'utf8' });
  if (changed.status !== 0) throw new Error(`chpasswd failed: ${changed.stderr}`);
}

export const runningAsRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Adds the account to a supplementary group, creating the group when needed. */
export function ensureSupplementaryGroup(user: string, group: string): void {
  spawnSync('groupadd', ['-f', group]);
  const added = spawnSync('usermod', ['-a', '-G', group, user], { encoding: 'utf8' });
  if (added.status !== 0) throw new Error(`usermod failed: ${added.stderr}`);
}
