import { generateKeyPairSync } from 'node:crypto';
import { utils } from 'ssh2';
import { sshBlobOfDeviceKey } from './device-host-key';

describe('sshBlobOfDeviceKey', () => {
  it('gives the same blob ssh2 presents for the device private key', () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'pkcs1', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    });
    const parsed = utils.parseKey(privateKey);
    if (parsed instanceof Error) throw parsed;
    expect(sshBlobOfDeviceKey(publicKey)?.equals(parsed.getPublicSSH())).toBe(true);
  });

  it('gives null for anything that is not an RSA public key', () => {
    expect(sshBlobOfDeviceKey('not a key')).toBeNull();
  });
});
