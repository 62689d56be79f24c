import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateEd25519KeyPair } from '@fleetgate/public-keys';

const HOST_KEY_FILE = 'ssh_host_ed25519_key';

/**
 * Loads the gateway's host key, creating it on first start. It must survive restarts: a new key every start
 * would make every user's OpenSSH client warn of a man-in-the-middle.
 */
export async function loadOrCreateHostKey(directory: string): Promise<Buffer> {
  const path = join(directory, HOST_KEY_FILE);
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(directory, { recursive: true, mode: 0o700 });
  const { private: privateKey } = generateEd25519KeyPair();
  // 'wx' refuses to overwrite a key another process wrote meanwhile; then that key is the one to use.
  try {
    await writeFile(path, privateKey, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return readFile(path);
  }
  await chmod(path, 0o600);
  return Buffer.from(privateKey);
}
