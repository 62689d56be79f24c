import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { utils } from 'ssh2';
import { loadSshKeySigner, SshKeyFormatError } from './ssh-key-signer';

/** ssh2's verification, which the gateway's SSH server applies to a key login's signature. */
function verifies(publicKeyLine: string, data: Uint8Array, signature: Uint8Array, hash?: string): boolean {
  const key = utils.parseKey(publicKeyLine);
  if (key instanceof Error) throw key;
  return key.verify(Buffer.from(data), Buffer.from(signature), hash) === true;
}

describe('loadSshKeySigner: the browser’s key login', () => {
  let scratch: string;
  const keygen = (name: string, ...args: string[]) => {
    const file = join(scratch, name);
    const result = spawnSync('ssh-keygen', ['-q', '-C', 'spec', '-f', file, ...args], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(result.stderr);
    return { privateKey: readFileSync(file, 'utf8'), publicLine: readFileSync(`${file}.pub`, 'utf8').split(' ').slice(0, 2).join(' ') };
  };

  beforeAll(() => (scratch = mkdtempSync(join(tmpdir(), 'fleetgate-signer-'))));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('signs with an OpenSSH Ed25519 key, and names the same public key as ssh-keygen', async () => {
    const { privateKey, publicLine } = keygen('ed25519', '-t', 'ed25519', '-N', '');
    const signer = await loadSshKeySigner(privateKey);
    expect(signer.type).toBe('ssh-ed25519');
    expect(signer.publicKey).toBe(publicLine);
    const data = randomBytes(100);
    expect(verifies(signer.publicKey, data, await signer.sign(data, 'ssh-ed25519'))).toBe(true);
  });

  it('signs with an OpenSSH RSA key with each of SSH’s RSA algorithms', async () => {
    const { privateKey, publicLine } = keygen('rsa', '-t', 'rsa', '-b', '2048', '-N', '');
    const signer = await loadSshKeySigner(privateKey);
    expect(signer.publicKey).toBe(publicLine);
    const data = randomBytes(64);
    for (const [algorithm, hash] of [['rsa-sha2-512', 'sha512'], ['rsa-sha2-256', 'sha256'], ['ssh-rsa', 'sha1']]) {
      expect(verifies(signer.publicKey, data, await signer.sign(data, algorithm), hash)).toBe(true);
    }
    await expect(signer.sign(data, 'ssh-ed25519')).rejects.toThrow(/An RSA key cannot sign with ssh-ed25519/);
  });

  it('reads PKCS#8 Ed25519 and RSA keys and PKCS#1 RSA keys', async () => {
    const ed25519 = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const data = randomBytes(32);
    const edSigner = await loadSshKeySigner(ed25519);
    expect(verifies(edSigner.publicKey, data, await edSigner.sign(data, 'ssh-ed25519'))).toBe(true);
    for (const pem of [rsa.export({ type: 'pkcs8', format: 'pem' }).toString(), rsa.export({ type: 'pkcs1', format: 'pem' }).toString()]) {
      const signer = await loadSshKeySigner(pem);
      expect(signer.type).toBe('ssh-rsa');
      expect(verifies(signer.publicKey, data, await signer.sign(data, 'rsa-sha2-256'), 'sha256')).toBe(true);
    }
  });

  it('says why it cannot use a key', async () => {
    const { privateKey } = keygen('locked', '-t', 'ed25519', '-N', 'a passphrase');
    await expect(loadSshKeySigner(privateKey)).rejects.toThrow(/protected by a passphrase/);
    await expect(loadSshKeySigner('ssh-ed25519 AAAAC3Nz spec')).rejects.toThrow(/This is not a private key/);
    const ecdsa = keygen('ecdsa', '-t', 'ecdsa', '-N', '');
    await expect(loadSshKeySigner(ecdsa.privateKey)).rejects.toThrow(/ecdsa-sha2-nistp256 are not supported/);
    await expect(loadSshKeySigner('-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----')).rejects.toBeInstanceOf(SshKeyFormatError);
  });
});
