import { createHash } from 'node:crypto';
import { utils } from 'ssh2';
import type { SecretBox } from '@fleetgate/auth';
import type { GatewayHostKeyDocument, GatewayHostKeysRepository, HostKeyAlgorithm } from '@fleetgate/data-access';
import { AppException } from '@fleetgate/errors';

/** The purpose the host keys' `SecretBox` derives its key for: the gateway and the admin API must agree on it. */
export const HOST_KEY_SECRET_PURPOSE = 'gateway host keys';

/** The sizes each family may be generated in (seed 000's host keys). Ed25519 keys have one size. */
export const hostKeySizes: Readonly<Record<HostKeyAlgorithm, readonly number[]>> = {
  rsa: [2048, 3072, 4096],
  ecdsa: [256, 384, 521],
  ed25519: [256],
};

/** What the first start of a family generates when no size is asked for. */
const defaultSizes: Readonly<Record<HostKeyAlgorithm, number>> = { rsa: 3072, ecdsa: 256, ed25519: 256 };

/** A host key as the admin API shows it: never the private half. */
export interface HostKeyView {
  algorithm: HostKeyAlgorithm;
  bits: number;
  fingerprint: string;
  public_key: string;
  enabled: boolean;
  created_at: string;
  updated_at: string;
}

export interface GeneratedHostKey {
  algorithm: HostKeyAlgorithm;
  bits: number;
  privateKey: string;
  publicKey: string;
  fingerprint: string;
}

/** OpenSSH's fingerprint of a public key line or blob: `SHA256:` and the unpadded base64 of the blob's SHA-256. */
export function sha256Fingerprint(publicKey: string | Buffer): string {
  const blob = typeof publicKey === 'string' ? Buffer.from(publicKey.trim().split(/\s+/)[1] ?? '', 'base64') : publicKey;
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

function generatePair(algorithm: HostKeyAlgorithm, bits: number): Promise<{ private: string; public: string }> {
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, pair: { private: string; public: string }) => (error ? reject(error) : resolve(pair));
    if (algorithm === 'rsa') utils.generateKeyPair('rsa', { bits }, done);
    // generateHostKey checked the size against hostKeySizes.
    else if (algorithm === 'ecdsa') utils.generateKeyPair('ecdsa', { bits: bits as 256 | 384 | 521 }, done);
    else utils.generateKeyPair('ed25519', done);
  });
}

/**
 * A new host key in OpenSSH formats, generated off the event loop (an RSA 4096 key takes seconds). ssh2's generator
 * sometimes writes an Ed25519 key it cannot parse back (a dropped leading zero byte); such a pair is thrown away.
 */
export async function generateHostKey(algorithm: HostKeyAlgorithm, bits = defaultSizes[algorithm]): Promise<GeneratedHostKey> {
  const sizes = hostKeySizes[algorithm];
  if (!sizes) throw AppException.validation(`algorithm must be one of ${Object.keys(hostKeySizes).join(', ')}`);
  if (!sizes.includes(bits)) throw AppException.validation(`${algorithm} host keys come in ${sizes.join(', ')} bits, not ${bits}`);
  for (;;) {
    const pair = await generatePair(algorithm, bits);
    const parsedPrivate = utils.parseKey(pair.private);
    const parsedPublic = utils.parseKey(pair.public);
    if (parsedPrivate instanceof Error || parsedPublic instanceof Error) continue;
    return { algorithm, bits, privateKey: pair.private, publicKey: pair.public.trim(), fingerprint: sha256Fingerprint(pair.public) };
  }
}

/** The family and size of a private key another source gave us (the host key file of earlier versions). */
export function describeHostKey(privateKey: string | Buffer): { algorithm: HostKeyAlgorithm; bits: number; publicKey: string } {
  const parsed = utils.parseKey(privateKey);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key instanceof Error) throw new Error(`not a usable host key: ${key.message}`);
  const blob = key.getPublicSSH();
  const publicKey = `${key.type} ${blob.toString('base64')}`;
  if (key.type === 'ssh-ed25519') return { algorithm: 'ed25519', bits: 256, publicKey };
  const curve = /^ecdsa-sha2-nistp(\d+)$/.exec(key.type);
  if (curve) return { algorithm: 'ecdsa', bits: Number(curve[1]), publicKey };
  if (key.type === 'ssh-rsa') {
    // The blob is string "ssh-rsa", mpint e, mpint n: the modulus's length gives the size.
    let offset = 0;
    const next = () => {
      const length = blob.readUInt32BE(offset);
      const value = blob.subarray(offset + 4, offset + 4 + length);
      offset += 4 + length;
      return value;
    };
    next();
    next();
    const modulus = next();
    const significant = modulus[0] === 0 ? modulus.subarray(1) : modulus;
    return { algorithm: 'rsa', bits: significant.length * 8, publicKey };
  }
  throw new Error(`host keys of type ${key.type} are not supported`);
}

/**
 * The gateway's host keys, in the database and shared by every gateway process, private halves sealed with the
 * platform key. Changes are announced (`announce`), so every process reloads its listener without a restart; a
 * rotation affects only new connections, because a connection keeps the key its key exchange used.
 */
export class GatewayHostKeyService {
  constructor(
    private readonly keys: GatewayHostKeysRepository,
    private readonly box: SecretBox,
    private readonly announce: () => Promise<unknown>,
  ) {}

  async list(): Promise<HostKeyView[]> {
    return (await this.keys.listUnscoped()).map(toView);
  }

  /** Generates a key of `algorithm` and replaces the family's key with it (enabled). */
  async rotate(algorithm: HostKeyAlgorithm, bits?: number): Promise<HostKeyView> {
    const generated = await generateHostKey(algorithm, bits);
    const stored = await this.keys.replaceUnscoped({
      algorithm,
      bits: generated.bits,
      public_key: generated.publicKey,
      fingerprint: generated.fingerprint,
      sealed_private_key: this.box.seal(generated.privateKey),
      enabled: true,
    });
    await this.announce();
    return toView(stored);
  }

  async setEnabled(algorithm: HostKeyAlgorithm, enabled: boolean): Promise<HostKeyView> {
    const existing = await this.keys.findUnscoped(algorithm);
    if (!existing) throw AppException.notFound(`${algorithm} host key`);
    if (!enabled && existing.enabled) {
      const others = (await this.keys.listUnscoped()).filter((key) => key.enabled && key.algorithm !== algorithm);
      // A gateway without an enabled key could accept no connection at all.
      if (others.length === 0) throw AppException.validation('the last enabled host key cannot be disabled; enable or generate another first');
    }
    const updated = await this.keys.setEnabledUnscoped(algorithm, enabled);
    if (!updated) throw AppException.notFound(`${algorithm} host key`);
    await this.announce();
    return toView(updated);
  }

  /** The private keys a gateway listener offers now. */
  async enabledPrivateKeys(): Promise<string[]> {
    const keys = (await this.keys.listUnscoped()).filter((key) => key.enabled);
    return keys.map((key) => this.box.open(key.sealed_private_key));
  }

  /**
   * The first start after host keys moved to the database: the key of the earlier host key file becomes the first
   * stored key, so people's known_hosts entries stay valid. Does nothing once any key is stored; several processes
   * may run it at once (the unique index keeps one).
   */
  async adoptIfNone(privateKey: string): Promise<boolean> {
    if ((await this.keys.listUnscoped()).length > 0) return false;
    const { algorithm, bits, publicKey } = describeHostKey(privateKey);
    return this.keys.insertIfAbsentUnscoped({
      algorithm,
      bits,
      public_key: publicKey,
      fingerprint: sha256Fingerprint(publicKey),
      sealed_private_key: this.box.seal(privateKey),
      enabled: true,
    });
  }
}

function toView(key: GatewayHostKeyDocument): HostKeyView {
  return {
    algorithm: key.algorithm,
    bits: key.bits,
    fingerprint: key.fingerprint,
    public_key: key.public_key,
    enabled: key.enabled,
    created_at: (key.created_at ?? new Date(0)).toISOString(),
    updated_at: (key.updated_at ?? key.created_at ?? new Date(0)).toISOString(),
  };
}
