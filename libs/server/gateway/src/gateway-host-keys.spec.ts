import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { utils } from 'ssh2';
import { AppException } from '@fleetgate/errors';
import { describeHostKey, generateHostKey, sha256Fingerprint } from './gateway-host-keys';

/** What OpenSSH's own ssh-keygen says of a public key line: "<bits> SHA256:… comment (TYPE)". */
function sshKeygenFingerprint(publicKey: string): { bits: number; fingerprint: string } {
  const directory = mkdtempSync(join(tmpdir(), 'fleetgate-hostkey-'));
  try {
    writeFileSync(join(directory, 'key.pub'), `${publicKey}\n`);
    const listed = spawnSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(directory, 'key.pub')], { encoding: 'utf8' });
    const [bits, fingerprint] = listed.stdout.trim().split(/\s+/);
    return { bits: Number(bits), fingerprint };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

describe('gateway host keys', () => {
  it.each([
    ['rsa', 2048, 'ssh-rsa'],
    ['rsa', 3072, 'ssh-rsa'],
    ['ecdsa', 256, 'ecdsa-sha2-nistp256'],
    ['ecdsa', 384, 'ecdsa-sha2-nistp384'],
    ['ecdsa', 521, 'ecdsa-sha2-nistp521'],
    ['ed25519', 256, 'ssh-ed25519'],
  ] as const)('generates %s %i keys that ssh2 serves and ssh-keygen reads alike', async (algorithm, bits, type) => {
    const key = await generateHostKey(algorithm, bits);
    const parsed = utils.parseKey(key.privateKey);
    expect(parsed instanceof Error ? parsed.message : parsed.type).toBe(type);
    expect(sshKeygenFingerprint(key.publicKey)).toEqual({ bits, fingerprint: key.fingerprint });
    expect(describeHostKey(key.privateKey)).toEqual({ algorithm, bits, publicKey: expect.stringMatching(new RegExp(`^${type} `)) });
  }, 60_000);

  it('generates RSA 4096 keys off the event loop', async () => {
    let ticks = 0;
    const ticker = setInterval(() => (ticks += 1), 5);
    try {
      const key = await generateHostKey('rsa', 4096);
      expect(sshKeygenFingerprint(key.publicKey).bits).toBe(4096);
    } finally {
      clearInterval(ticker);
    }
    expect(ticks).toBeGreaterThan(0);
  }, 120_000);

  it('refuses sizes a family does not come in, naming the ones it does', async () => {
    await expect(generateHostKey('rsa', 1024)).rejects.toThrow(/rsa host keys come in 2048, 3072, 4096 bits/);
    await expect(generateHostKey('ecdsa', 512)).rejects.toBeInstanceOf(AppException);
  });

  it('fingerprints a blob as OpenSSH does', async () => {
    const key = await generateHostKey('ed25519');
    const blob = Buffer.from(key.publicKey.split(' ')[1], 'base64');
    expect(sha256Fingerprint(blob)).toBe(key.fingerprint);
    expect(key.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });
});
