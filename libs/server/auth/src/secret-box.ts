import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { PlatformKeys } from './platform-keys';

const FORMAT = 'v1';
const IV_BYTES = 12;

/**
 * Encrypts secrets that must rest in the database (a connector's TLS private key) with AES-256-GCM. The key is
 * derived with HKDF from the platform private key and a purpose, so nothing new needs to be provisioned and a
 * database dump alone reveals nothing. Rotating the platform key makes earlier secrets unreadable: they are
 * then re-entered.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(keys: PlatformKeys, purpose: string) {
    this.key = Buffer.from(hkdfSync('sha256', keys.privateKeyPem, 'fleetgate secret box', purpose, 32));
  }

  seal(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [FORMAT, iv, cipher.getAuthTag(), ciphertext]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64')))
      .join(':');
  }

  /** The plaintext, or an error when the value was not sealed by this box (another key, or tampered with). */
  open(sealed: string): string {
    const [format, iv, tag, ciphertext] = sealed.split(':');
    if (format !== FORMAT || !iv || !tag || ciphertext === undefined) throw new Error('not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString(
      'utf8',
    );
  }
}
