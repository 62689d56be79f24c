import { createPublicKey } from 'node:crypto';

/**
 * The SSH wire form (RFC 4253 `ssh-rsa` blob) of a device's registered PEM key, so the gateway can pin the
 * device's host key to the key it registered with (ShellHub's gateway ignored device host keys).
 */
export function sshBlobOfDeviceKey(publicKeyPem: string): Buffer | null {
  try {
    const jwk = createPublicKey(publicKeyPem).export({ format: 'jwk' });
    if (jwk.kty !== 'RSA' || !jwk.n || !jwk.e) return null;
    return Buffer.concat([sshString(Buffer.from('ssh-rsa')), sshString(mpint(jwk.e)), sshString(mpint(jwk.n))]);
  } catch {
    return null;
  }
}

function mpint(base64url: string): Buffer {
  const bytes = Buffer.from(base64url, 'base64url');
  return bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
}

function sshString(value: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(value.length);
  return Buffer.concat([length, value]);
}
