import { spawn } from 'node:child_process';
import { timingSafeEqual } from 'node:crypto';

const supportedSchemes = /^\$(y|6|5|1|2[aby]|7|gy)\$/;

/**
 * Checks a password against a crypt(3) hash from /etc/shadow: yescrypt ($y$), SHA-512 ($6$), SHA-256 ($5$),
 * MD5 ($1$) and whatever else the system's libxcrypt knows. Locked (`!`, `*`) and empty hashes never match:
 * an account without a password cannot be entered by password.
 *
 * The hashing is done by the system's own crypt(3), reached through perl (perl-base is Essential in Debian and
 * part of every Raspberry Pi OS): no JavaScript library implements yescrypt, Debian's default since 11, and the
 * system's implementation is exactly the one that set the hash. The password travels on stdin, never argv.
 */
export async function verifyShadowPassword(password: string, hash: string | null): Promise<boolean> {
  if (!hash || !supportedSchemes.test(hash) || password.length === 0 || password.length > 1024) return false;
  const computed = await systemCrypt(password, hash);
  if (computed === null) return false;
  const expected = Buffer.from(hash);
  const actual = Buffer.from(computed);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

function systemCrypt(password: string, setting: string): Promise<string | null> {
  return new Promise((resolve) => {
    const child = spawn('perl', ['-e', 'my $p = <STDIN>; chomp $p; my $s = <STDIN>; chomp $s; print crypt($p, $s) // ""'], {
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', () => resolve(null));
    child.on('close', (code) => resolve(code === 0 && output.length > 0 ? output : null));
    child.stdin.end(`${password}\n${setting}\n`);
  });
}
