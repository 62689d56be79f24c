import { generateKeyPairSync } from 'node:crypto';
import { SecretBox } from './secret-box';

function platformKeys() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

describe('SecretBox', () => {
  const keys = platformKeys();

  it('opens what it sealed, and never seals the same plaintext twice alike', () => {
    const box = new SecretBox(keys, 'connector-tls');
    const first = box.seal('-----BEGIN PRIVATE KEY-----\nsecret\n');
    const second = box.seal('-----BEGIN PRIVATE KEY-----\nsecret\n');
    expect(first).not.toContain('secret');
    expect(first).not.toBe(second);
    expect(box.open(first)).toBe('-----BEGIN PRIVATE KEY-----\nsecret\n');
    expect(new SecretBox(keys, 'connector-tls').open(second)).toBe('-----BEGIN PRIVATE KEY-----\nsecret\n');
  });

  it('refuses a value sealed for another purpose, with another key, or tampered with', () => {
    const sealed = new SecretBox(keys, 'connector-tls').seal('secret');
    expect(() => new SecretBox(keys, 'other').open(sealed)).toThrow();
    expect(() => new SecretBox(platformKeys(), 'connector-tls').open(sealed)).toThrow();
    const [format, iv, tag, ciphertext] = sealed.split(':');
    const flipped = Buffer.from(ciphertext, 'base64');
    flipped[0] ^= 1;
    expect(() =>
      new SecretBox(keys, 'connector-tls').open([format, iv, tag, flipped.toString('base64')].join(':')),
    ).toThrow();
    expect(() => new SecretBox(keys, 'connector-tls').open('plain text')).toThrow('not a sealed secret');
  });
});
