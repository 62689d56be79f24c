import { generateKeyPairSync, createPrivateKey, createPublicKey } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface DeviceKeyPair {
  privateKeyPem: string;
  publicKeyPem: string;
  /** True when this start created the key: the device is new to the platform. */
  created: boolean;
}

/**
 * Loads the device's key pair, creating it on first start. The private key is written with mode 0600 and
 * never rewritten: it is the device's identity towards the platform.
 */
export async function loadOrCreateDeviceKey(path: string): Promise<DeviceKeyPair> {
  try {
    const privateKeyPem = await readFile(path, 'utf8');
    return { privateKeyPem, publicKeyPem: publicKeyOf(privateKeyPem), created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  // RSA-2048 PKCS#1, the format ShellHub agents register with, so our API also accepts its agents' keys.
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  try {
    await writeFile(path, privateKey, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return loadOrCreateDeviceKey(path);
  }
  await chmod(path, 0o600);
  return { privateKeyPem: privateKey, publicKeyPem: publicKeyOf(privateKey), created: true };
}

function publicKeyOf(privateKeyPem: string): string {
  return createPublicKey(createPrivateKey(privateKeyPem)).export({ type: 'pkcs1', format: 'pem' }).toString();
}
