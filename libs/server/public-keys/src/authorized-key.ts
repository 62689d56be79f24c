import { createHash } from 'node:crypto';
import { utils } from 'ssh2';
import { AppException } from '@fleetgate/errors';

export interface AuthorizedKey {
  /** Base64 of the normalised authorized_keys line, `<type> <blob>\n` without comment, as ShellHub stores it. */
  data: string;
  fingerprint: string;
}

/** The legacy MD5 fingerprint of a key blob, "aa:bb:…", as `ssh-keygen -E md5 -l` prints it (without "MD5:"). */
export function legacyMd5Fingerprint(blob: Buffer): string {
  return Array.from(createHash('md5').update(blob).digest(), (byte) =>
    byte.toString(16).padStart(2, '0'),
  ).join(':');
}

/**
 * Parses the base64 of one OpenSSH public key line (what `ssh-keygen` writes to id_ed25519.pub). Private keys,
 * PEM blocks, several lines and anything ssh2 cannot parse are refused with a 400 that says why.
 */
export function parseAuthorizedKey(base64Data: string): AuthorizedKey {
  const line = Buffer.from(base64Data, 'base64').toString('utf8').trim();
  if (line === '' || /[\r\n]/.test(line)) {
    throw AppException.validation('data must be the base64 of one OpenSSH public key line');
  }
  const parsed = utils.parseKey(line);
  if (parsed instanceof Error) {
    throw AppException.validation(`data is not an OpenSSH public key: ${parsed.message}`);
  }
  if (Array.isArray(parsed) || parsed.isPrivateKey()) {
    throw AppException.validation('data is a private key; send the public key line instead');
  }
  const blob = parsed.getPublicSSH();
  return {
    data: Buffer.from(`${parsed.type} ${blob.toString('base64')}\n`, 'utf8').toString('base64'),
    fingerprint: legacyMd5Fingerprint(blob),
  };
}
