import { readFile } from 'node:fs/promises';

export interface LocalAccount {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

/** Looks a user up in /etc/passwd, as getpwnam(3) would for local accounts. */
export async function findLocalAccount(name: string, passwdPath = '/etc/passwd'): Promise<LocalAccount | null> {
  if (!/^[A-Za-z0-9._][A-Za-z0-9._-]{0,31}\$?$/.test(name)) return null;
  const text = await readFile(passwdPath, 'utf8');
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    if (fields.length < 7 || fields[0] !== name) continue;
    return {
      name,
      uid: Number(fields[2]),
      gid: Number(fields[3]),
      home: fields[5] || '/',
      shell: fields[6] || '/bin/sh',
    };
  }
  return null;
}

/** The password hash field of a user's /etc/shadow line, or null when the user has none. */
export async function shadowHashOf(name: string, shadowPath = '/etc/shadow'): Promise<string | null> {
  const text = await readFile(shadowPath, 'utf8');
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    if (fields[0] === name && fields.length >= 2) return fields[1];
  }
  return null;
}
