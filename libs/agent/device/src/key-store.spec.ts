import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateDeviceKey } from './key-store';

describe('device key store', () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'fleetgate-key-'));
  });
  afterEach(() => rm(directory, { recursive: true, force: true }));

  it('creates the key pair once, mode 0600, and keeps it', async () => {
    const path = join(directory, 'nested', 'agent.key');
    const first = await loadOrCreateDeviceKey(path);
    expect(first.created).toBe(true);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(first.publicKeyPem).toMatch(/^-----BEGIN RSA PUBLIC KEY-----/);

    const second = await loadOrCreateDeviceKey(path);
    expect(second.created).toBe(false);
    expect(second.publicKeyPem).toBe(first.publicKeyPem);
    expect(await readFile(path, 'utf8')).toBe(first.privateKeyPem);
  });
});
