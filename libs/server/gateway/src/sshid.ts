/**
 * What a person typed before the last `@`: `user@namespace.device` or `user@<64-hex device uid>`.
 * Namespace and device names are matched case-insensitively (stored lower-case); ShellHub did not, and
 * mixed-case input failed there.
 */
export type Sshid =
  | { kind: 'name'; user: string; namespace: string; device: string }
  | { kind: 'uid'; user: string; uid: string };

const userPattern = /^[A-Za-z0-9._][A-Za-z0-9._-]{0,31}\$?$/;
const namePattern = /^[a-z0-9_-]{1,64}$/;

export function parseSshid(login: string): Sshid | null {
  const at = login.indexOf('@');
  if (at <= 0) return null;
  const user = login.slice(0, at);
  const target = login.slice(at + 1).toLowerCase();
  if (!userPattern.test(user)) return null;
  const dot = target.indexOf('.');
  if (dot === -1) return /^[0-9a-f]{64}$/.test(target) ? { kind: 'uid', user, uid: target } : null;
  const namespace = target.slice(0, dot);
  const device = target.slice(dot + 1);
  if (!namePattern.test(namespace) || !namePattern.test(device)) return null;
  return { kind: 'name', user, namespace, device };
}

export function formatSshid(user: string, namespace: string, device: string): string {
  return `${user}@${namespace}.${device}`;
}
