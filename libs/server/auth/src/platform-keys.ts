import { generateKeyPairSync } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface PlatformKeys {
  privateKeyPem: string;
  publicKeyPem: string;
}

const PRIVATE_KEY_FILE = 'platform.key';
const PUBLIC_KEY_FILE = 'platform.pub';

/**
 * The platform's RS256 key pair: it signs device tokens, user tokens and the gateway's session assertions.
 * Production mounts it (both api and ssh read the same folder); a local first start generates it, once,
 * and concurrent first starts of api and ssh end up with the same pair.
 */
export async function loadOrCreatePlatformKeys(directory: string): Promise<PlatformKeys> {
  const privatePath = join(directory, PRIVATE_KEY_FILE);
  const publicPath = join(directory, PUBLIC_KEY_FILE);
  try {
    return { privateKeyPem: await readFile(privatePath, 'utf8'), publicKeyPem: await readFile(publicPath, 'utf8') };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(directory, { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  try {
    await writeFile(privatePath, privateKey, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return waitForPair(privatePath, publicPath);
  }
  await chmod(privatePath, 0o600);
  await writeFile(publicPath, publicKey, { mode: 0o644 });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

/** Another process won the race to create the pair; its public half follows its private half within moments. */
async function waitForPair(privatePath: string, publicPath: string): Promise<PlatformKeys> {
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      const publicKeyPem = await readFile(publicPath, 'utf8');
      if (publicKeyPem.length > 0) return { privateKeyPem: await readFile(privatePath, 'utf8'), publicKeyPem };
    } catch {
      // not written yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`platform key pair in ${privatePath} is incomplete: ${publicPath} is missing`);
}
