import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { utils } from 'ssh2';
import { loadOrCreateHostKey } from './host-keys';

describe('gateway host key', () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'fleetgate-hostkey-'));
  });
  afterEach(() => rm(directory, { recursive: true, force: true }));

  it('creates an ed25519 key once with mode 0600 and reuses it', async () => {
    const first = await loadOrCreateHostKey(join(directory, 'keys'));
    const parsed = utils.parseKey(first);
    expect(parsed instanceof Error ? parsed.message : parsed.type).toBe('ssh-ed25519');
    expect((await stat(join(directory, 'keys', 'ssh_host_ed25519_key'))).mode & 0o777).toBe(0o600);
    expect((await loadOrCreateHostKey(join(directory, 'keys'))).equals(first)).toBe(true);
  });

  it('gives concurrent first starts the same key', async () => {
    const keys = await Promise.all([1, 2, 3].map(() => loadOrCreateHostKey(directory)));
    expect(keys[1].equals(keys[0]) && keys[2].equals(keys[0])).toBe(true);
  });
});
