/**
 * The web terminal's key login, on the person's side: the private key is read and used in the browser with WebCrypto
 * and never sent anywhere. The gateway sends the SSH user-authentication data to sign (`challenge`), this signs it,
 * and the gateway's SSH server verifies the signature against the namespace's public keys as it does for `ssh`.
 *
 * Reads unencrypted Ed25519 and RSA keys in OpenSSH's format (`ssh-keygen`'s default), PKCS#8 (`BEGIN PRIVATE KEY`)
 * and PKCS#1 (`BEGIN RSA PRIVATE KEY`). Runs the same under Node (globalThis.crypto) and in browsers.
 */
export type SshKeyType = 'ssh-ed25519' | 'ssh-rsa';

export interface SshKeySigner {
  type: SshKeyType;
  /** The public key as an authorized_keys line, `<type> <base64 blob>`. */
  publicKey: string;
  /** Signs `data` with `algorithm` (`ssh-ed25519`, `rsa-sha2-512`, `rsa-sha2-256`, `ssh-rsa`): the raw signature. */
  sign(data: Uint8Array, algorithm: string): Promise<Uint8Array>;
}

export class SshKeyFormatError extends Error {}

type CryptoKeyOf = Awaited<ReturnType<typeof crypto.subtle.importKey>>;
type Jwk = Record<string, string | boolean | string[]>;

const PEM = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/;
const rsaHashes: Record<string, string> = { 'rsa-sha2-512': 'SHA-512', 'rsa-sha2-256': 'SHA-256', 'ssh-rsa': 'SHA-1' };

/** Reads a private key the person pasted or picked; `SshKeyFormatError` says in plain words what is wrong. */
export async function loadSshKeySigner(text: string): Promise<SshKeySigner> {
  const pem = PEM.exec(text.trim());
  if (!pem) throw new SshKeyFormatError('This is not a private key: expected a "-----BEGIN ... PRIVATE KEY-----" block.');
  const [, label, body] = pem;
  if (/Proc-Type:\s*4,ENCRYPTED/.test(body) || label === 'ENCRYPTED PRIVATE KEY') throw passphraseError();
  const der = base64ToBytes(body.replace(/^[A-Za-z-]+:.*$/gm, '').replace(/\s+/g, ''));
  if (label === 'OPENSSH PRIVATE KEY') return fromOpenSsh(der);
  if (label === 'PRIVATE KEY') return fromPkcs8(der);
  if (label === 'RSA PRIVATE KEY') return fromPkcs8(pkcs1ToPkcs8(der));
  throw new SshKeyFormatError(`Keys of type "${label}" are not supported: use an Ed25519 or RSA key.`);
}

function passphraseError(): SshKeyFormatError {
  return new SshKeyFormatError(
    'This key is protected by a passphrase, which the browser cannot open: use a key without one, or remove it from a copy (ssh-keygen -p -f <copy>).',
  );
}

async function fromOpenSsh(der: Uint8Array): Promise<SshKeySigner> {
  const reader = new SshReader(der);
  const magic = new TextDecoder().decode(reader.take(15));
  if (magic !== 'openssh-key-v1\0') throw new SshKeyFormatError('This OpenSSH key is damaged (no openssh-key-v1 header).');
  const cipher = reader.text();
  reader.text(); // kdf name
  reader.bytes(); // kdf options
  if (cipher !== 'none') throw passphraseError();
  if (reader.uint32() !== 1) throw new SshKeyFormatError('The file holds several keys; paste one.');
  reader.bytes(); // the public key, repeated in the private section
  const secrets = new SshReader(reader.bytes());
  if (secrets.uint32() !== secrets.uint32()) throw new SshKeyFormatError('This OpenSSH key is damaged (check bytes differ).');
  const type = secrets.text();
  if (type === 'ssh-ed25519') {
    const publicKey = secrets.bytes();
    const seed = secrets.bytes().subarray(0, 32);
    return ed25519Signer({ kty: 'OKP', crv: 'Ed25519', x: base64Url(publicKey), d: base64Url(seed), ext: true }, publicKey);
  }
  if (type === 'ssh-rsa') {
    const [n, e, d, iqmp, p, q] = [secrets.mpint(), secrets.mpint(), secrets.mpint(), secrets.mpint(), secrets.mpint(), secrets.mpint()];
    const [dp, dq] = [bigIntBytes(toBigInt(d) % (toBigInt(p) - 1n)), bigIntBytes(toBigInt(d) % (toBigInt(q) - 1n))];
    return rsaSigner({
      kty: 'RSA',
      n: base64Url(n),
      e: base64Url(e),
      d: base64Url(d),
      p: base64Url(p),
      q: base64Url(q),
      dp: base64Url(dp),
      dq: base64Url(dq),
      qi: base64Url(iqmp),
      ext: true,
    });
  }
  throw new SshKeyFormatError(`Keys of type ${type} are not supported in the browser: use an Ed25519 or RSA key.`);
}

async function fromPkcs8(der: Uint8Array): Promise<SshKeySigner> {
  const ed25519 = await crypto.subtle.importKey('pkcs8', ownBytes(der), { name: 'Ed25519' }, true, ['sign']).catch(() => null);
  if (ed25519) {
    const jwk = (await crypto.subtle.exportKey('jwk', ed25519)) as Jwk;
    return ed25519Signer(jwk, base64UrlToBytes(String(jwk['x'])));
  }
  const rsa = await crypto.subtle
    .importKey('pkcs8', ownBytes(der), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, true, ['sign'])
    .catch(() => null);
  if (rsa) return rsaSigner((await crypto.subtle.exportKey('jwk', rsa)) as Jwk);
  throw new SshKeyFormatError('This key is neither Ed25519 nor RSA, or it is damaged.');
}

async function ed25519Signer(jwk: Jwk, publicKey: Uint8Array): Promise<SshKeySigner> {
  const key = await importJwk(jwk, { name: 'Ed25519' });
  return {
    type: 'ssh-ed25519',
    publicKey: `ssh-ed25519 ${bytesToBase64(concat(sshString(text('ssh-ed25519')), sshString(publicKey)))}`,
    async sign(data, algorithm) {
      if (algorithm !== 'ssh-ed25519') throw new SshKeyFormatError(`An Ed25519 key cannot sign with ${algorithm}.`);
      return new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, key, ownBytes(data)));
    },
  };
}

async function rsaSigner(jwk: Jwk): Promise<SshKeySigner> {
  // An exported JWK names the hash it was imported with; each hash needs its own import.
  const material: Jwk = { ...jwk };
  delete material['alg'];
  delete material['key_ops'];
  const keys = new Map<string, Promise<CryptoKeyOf>>();
  const keyFor = (hash: string) => {
    let key = keys.get(hash);
    if (!key) keys.set(hash, (key = importJwk(material, { name: 'RSASSA-PKCS1-v1_5', hash })));
    return key;
  };
  // Fail on a damaged key now, not at the first challenge.
  await keyFor('SHA-512');
  const blob = concat(sshString(text('ssh-rsa')), sshString(mpint(base64UrlToBytes(String(jwk['e'])))), sshString(mpint(base64UrlToBytes(String(jwk['n'])))));
  return {
    type: 'ssh-rsa',
    publicKey: `ssh-rsa ${bytesToBase64(blob)}`,
    async sign(data, algorithm) {
      const hash = rsaHashes[algorithm];
      if (!hash) throw new SshKeyFormatError(`An RSA key cannot sign with ${algorithm}.`);
      return new Uint8Array(await crypto.subtle.sign({ name: 'RSASSA-PKCS1-v1_5' }, await keyFor(hash), ownBytes(data)));
    },
  };
}

function importJwk(jwk: Jwk, algorithm: { name: string; hash?: string }): Promise<CryptoKeyOf> {
  return crypto.subtle.importKey('jwk', jwk as never, algorithm, false, ['sign']).catch((error: unknown) => {
    throw new SshKeyFormatError(`The browser cannot use this key: ${error instanceof Error ? error.message : String(error)}.`);
  });
}

/** PKCS#1 RSAPrivateKey → PKCS#8 PrivateKeyInfo, which WebCrypto imports. */
function pkcs1ToPkcs8(pkcs1: Uint8Array): Uint8Array {
  const version = Uint8Array.of(0x02, 0x01, 0x00);
  // AlgorithmIdentifier { rsaEncryption (1.2.840.113549.1.1.1), NULL }
  const algorithm = Uint8Array.of(0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00);
  const privateKey = concat(Uint8Array.of(0x04), derLength(pkcs1.length), pkcs1);
  const content = concat(version, algorithm, privateKey);
  return concat(Uint8Array.of(0x30), derLength(content.length), content);
}

function derLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

class SshReader {
  private offset = 0;
  constructor(private readonly data: Uint8Array) {}

  take(length: number): Uint8Array {
    if (this.offset + length > this.data.length) throw new SshKeyFormatError('This key is damaged (it ends too early).');
    const slice = this.data.subarray(this.offset, this.offset + length);
    this.offset += length;
    return slice;
  }

  uint32(): number {
    const [a, b, c, d] = this.take(4);
    return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
  }

  bytes(): Uint8Array {
    return this.take(this.uint32());
  }

  text(): string {
    return new TextDecoder().decode(this.bytes());
  }

  /** An unsigned multiple-precision integer, without its sign byte. */
  mpint(): Uint8Array {
    const value = this.bytes();
    let start = 0;
    while (start < value.length - 1 && value[start] === 0) start += 1;
    return value.subarray(start);
  }
}

function sshString(value: Uint8Array): Uint8Array {
  const length = value.length;
  return concat(Uint8Array.of(length >>> 24, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff), value);
}

/** SSH's mpint of an unsigned big-endian integer: no leading zeros, one zero byte when the high bit is set. */
function mpint(unsigned: Uint8Array): Uint8Array {
  let start = 0;
  while (start < unsigned.length - 1 && unsigned[start] === 0) start += 1;
  const trimmed = unsigned.subarray(start);
  return (trimmed[0] ?? 0) & 0x80 ? concat(Uint8Array.of(0), trimmed) : trimmed;
}

function toBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

function bigIntBytes(value: bigint): Uint8Array {
  const bytes: number[] = [];
  for (let rest = value; rest > 0n; rest >>= 8n) bytes.unshift(Number(rest & 0xffn));
  return Uint8Array.from(bytes.length ? bytes : [0]);
}

/** A copy on a plain ArrayBuffer, which is what WebCrypto's typings accept (never a SharedArrayBuffer view). */
function ownBytes(value: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(value);
}

function text(value: string): Uint8Array {
  return new TextEncoder().encode(value);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const result = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    result.set(part, offset);
    offset += part.length;
  }
  return result;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let index = 0; index < bytes.length; index += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(index, index + 0x8000));
  }
  return btoa(binary);
}

export function base64ToBytes(base64: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(base64);
  } catch {
    throw new SshKeyFormatError('This key is damaged (its base64 does not decode).');
  }
  return Uint8Array.from(binary, (character) => character.charCodeAt(0));
}

function base64Url(bytes: Uint8Array): string {
  return bytesToBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function base64UrlToBytes(value: string): Uint8Array {
  const base64 = value.replace(/-/g, '+').replace(/_/g, '/');
  return base64ToBytes(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
}
