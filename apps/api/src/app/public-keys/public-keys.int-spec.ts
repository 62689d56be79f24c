import { tenantScope } from '@fleetgate/data-access';
import {
  generateEd25519KeyPair,
  publicKeyAllows,
  PublicKeysService,
  type PublicKeyView,
} from '@fleetgate/public-keys';
import { createTestContext, type RunningHttpApp, type TestContext } from '@fleetgate/testing';
import { startApi } from '../../testing/api-environment';
import { readJson } from '../../testing/http';
import { newMember, newOwner, type TestMember } from '../../testing/members';

/** Base64 of a fresh key's OpenSSH public line, `ssh-ed25519 <blob>`, as a user would paste from id_ed25519.pub. */
function newPublicKeyData(): { data: string; blob: string } {
  const blob = generateEd25519KeyPair().public.split(' ')[1];
  return { data: Buffer.from(`ssh-ed25519 ${blob}`).toString('base64'), blob };
}

describe('public keys: POST and GET /api/sshkeys/public-keys', () => {
  let context: TestContext;
  let api: RunningHttpApp;
  let owner: TestMember;

  const create = (member: TestMember, body: unknown) =>
    fetch(`${api.url}/api/sshkeys/public-keys`, {
      method: 'POST',
      headers: { authorization: member.authorization, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const list = (member: TestMember, query = '') =>
    fetch(`${api.url}/api/sshkeys/public-keys${query}`, { headers: { authorization: member.authorization } });
  const message = async (response: Response) => (await readJson<{ message: string }>(response)).message;

  beforeAll(async () => {
    context = await createTestContext(__filename);
    api = await startApi(context);
    owner = await newOwner(api);
  });
  afterAll(async () => {
    await api?.close();
    await context.close();
  });

  it('stores a key with its legacy MD5 fingerprint and answers it in ShellHub’s shape', async () => {
    const { data, blob } = newPublicKeyData();
    const response = await create(owner, {
      data,
      filter: { hostname: '^kitchen-' },
      name: 'alice laptop',
      username: '^pi$',
    });
    expect(response.status).toBe(200);
    const key = await readJson<PublicKeyView>(response);
    expect(key).toEqual({
      data: Buffer.from(`ssh-ed25519 ${blob}\n`).toString('base64'),
      fingerprint: expect.stringMatching(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/),
      created_at: expect.any(String),
      tenant_id: owner.tenantId,
      name: 'alice laptop',
      filter: { hostname: '^kitchen-' },
      username: '^pi$',
    });

    // What the SSH gateway does with it: find the key in the device's namespace, then evaluate it.
    const service = api.app.get(PublicKeysService);
    const stored = await service.findForTenantByFingerprint(tenantScope(owner.tenantId), key.fingerprint);
    if (!stored) throw new Error('the key was not found by its fingerprint');
    expect(stored).toMatchObject({ fingerprint: key.fingerprint, name: 'alice laptop' });
    expect(publicKeyAllows(stored, 'pi', { name: 'kitchen-pi', tags: [] })).toBe(true);
    expect(publicKeyAllows(stored, 'root', { name: 'kitchen-pi', tags: [] })).toBe(false);
    expect(
      await service.findForTenantByFingerprint(tenantScope((await newOwner(api)).tenantId), key.fingerprint),
    ).toBeNull();
  });

  it('stores a tags filter', async () => {
    const response = await create(owner, {
      data: newPublicKeyData().data,
      filter: { tags: ['kitchen', 'garage'] },
      name: 'ops',
      username: '',
    });
    expect(response.status).toBe(200);
    expect(await readJson<PublicKeyView>(response)).toMatchObject({
      filter: { tags: ['kitchen', 'garage'] },
      username: '',
    });
  });

  it('refuses the same key twice in a namespace with a 409, but allows it in another namespace', async () => {
    const { data } = newPublicKeyData();
    const body = { data, filter: { hostname: '.*' }, name: 'twice', username: '.*' };
    expect((await create(owner, body)).status).toBe(200);
    expect((await create(owner, body)).status).toBe(409);
    expect((await create(await newOwner(api), body)).status).toBe(200);
  });

  it.each([
    [
      'a line that is not a key',
      { data: Buffer.from('hello world').toString('base64') },
      /not an OpenSSH public key/,
    ],
    [
      'a truncated key',
      { data: Buffer.from('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG').toString('base64') },
      /not an OpenSSH public key/,
    ],
    [
      'a private key',
      { data: Buffer.from(generateEd25519KeyPair().private).toString('base64') },
      /one OpenSSH public key line/,
    ],
    ['data that is not base64', { data: 'not base64!' }, /data/],
    ['both hostname and tags', { filter: { hostname: '.*', tags: ['kitchen'] } }, /either hostname or tags/],
    ['neither hostname nor tags', { filter: {} }, /either hostname or tags/],
    ['more than three tags', { filter: { tags: ['aaa', 'bbb', 'ccc', 'ddd'] } }, /tags/],
    ['a tag with punctuation', { filter: { tags: ['kitchen-1'] } }, /tag/],
    [
      'a username pattern that does not compile',
      { username: '(' },
      /username: is not a valid regular expression/,
    ],
    [
      'a hostname pattern that does not compile',
      { filter: { hostname: '[' } },
      /filter.hostname: is not a valid regular expression/,
    ],
    [
      'a backtracking-only pattern (backreference), which could hang a backtracking engine',
      { username: '^(a+)+\\1$' },
      /username: is not a valid regular expression/,
    ],
    ['no name', { name: '' }, /name/],
  ])('refuses %s with a 400 that says why', async (_case, overrides, problem) => {
    const response = await create(owner, {
      data: newPublicKeyData().data,
      filter: { hostname: '.*' },
      name: 'key',
      username: '',
      ...overrides,
    });
    expect(response.status).toBe(400);
    expect(await message(response)).toMatch(problem);
  });

  it('lists the namespace’s keys a page at a time with X-Total-Count, and no other namespace’s', async () => {
    const fresh = await newOwner(api);
    for (let index = 0; index < 3; index++) {
      expect(
        (
          await create(fresh, {
            data: newPublicKeyData().data,
            filter: { hostname: '.*' },
            name: `key-${index}`,
            username: '',
          })
        ).status,
      ).toBe(200);
    }
    await create(await newOwner(api), {
      data: newPublicKeyData().data,
      filter: { hostname: '.*' },
      name: 'elsewhere',
      username: '',
    });

    const firstPage = await list(fresh, '?page=1&per_page=2');
    expect(firstPage.status).toBe(200);
    expect(firstPage.headers.get('x-total-count')).toBe('3');
    const secondPage = await list(fresh, '?page=2&per_page=2');
    const names = [
      ...(await readJson<PublicKeyView[]>(firstPage)),
      ...(await readJson<PublicKeyView[]>(secondPage)),
    ].map((key) => key.name);
    expect(names.sort()).toEqual(['key-0', 'key-1', 'key-2']);
    expect((await list(fresh, '?per_page=0')).status).toBe(400);
  });

  it('lets administrators create keys and observers only read them', async () => {
    const observer = await newMember(api, owner.tenantId, 'observer');
    const administrator = await newMember(api, owner.tenantId, 'administrator');
    const body = () => ({
      data: newPublicKeyData().data,
      filter: { hostname: '.*' },
      name: 'k',
      username: '',
    });
    expect((await create(observer, body())).status).toBe(403);
    expect((await create(administrator, body())).status).toBe(200);
    expect((await list(observer)).status).toBe(200);
  });
});
