import { createHash } from 'node:crypto';
import { parseAuthorizedKey } from './authorized-key';
import { generateEd25519KeyPair } from './openssh-key-pair';

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('parseAuthorizedKey', () => {
  const pair = generateEd25519KeyPair();
  const blob = pair.public.split(' ')[1];

  it('normalises the line and fingerprints the key blob with legacy MD5', () => {
    const parsed = parseAuthorizedKey(base64(`ssh-ed25519 ${blob} alice@laptop\n`));
    expect(Buffer.from(parsed.data, 'base64').toString('utf8')).toBe(`ssh-ed25519 ${blob}\n`);
    const md5 = createHash('md5').update(Buffer.from(blob, 'base64')).digest('hex');
    expect(parsed.fingerprint.replace(/:/g, '')).toBe(md5);
    expect(parsed.fingerprint).toMatch(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
  });

  it('gives the fingerprint ssh-keygen prints', () => {
    // `ssh-keygen -E md5 -lf` on this line printed MD5:90:74:12:5f:38:56:ab:7d:06:c4:88:d3:d4:4a:08:ee
    const line = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPE0OCGMnlUBKBu5Q7Pv9NMFUlESBF5h/glgwPZndSY2 test';
    expect(parseAuthorizedKey(base64(line)).fingerprint).toBe(
      '90:74:12:5f:38:56:ab:7d:06:c4:88:d3:d4:4a:08:ee',
    );
  });

  it('refuses garbage, private keys and several lines with a reason', () => {
    expect(() => parseAuthorizedKey(base64('not a key'))).toThrow(/not an OpenSSH public key/);
    expect(() => parseAuthorizedKey(base64(`ssh-ed25519 ${blob.slice(0, 20)}`))).toThrow(
      /not an OpenSSH public key/,
    );
    expect(() => parseAuthorizedKey(base64(pair.private))).toThrow(/one OpenSSH public key line/);
    expect(() => parseAuthorizedKey(base64(`${pair.public}\n${pair.public}`))).toThrow(
      /one OpenSSH public key line/,
    );
    expect(() => parseAuthorizedKey('')).toThrow(/one OpenSSH public key line/);
  });
});
