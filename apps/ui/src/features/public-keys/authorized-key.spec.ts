import { parseAuthorizedKey } from './authorized-key';
import { md5 } from './md5';

const hex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
const text = (value: string) => new TextEncoder().encode(value);

describe('md5', () => {
  it('matches RFC 1321 test vectors', () => {
    expect(hex(md5(text('')))).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(hex(md5(text('abc')))).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(hex(md5(text('12345678901234567890123456789012345678901234567890123456789012345678901234567890')))).toBe(
      '57edf4a22be3c955ac49da2e2107b67a',
    );
  });
});

describe('parseAuthorizedKey', () => {
  // `ssh-keygen -E md5 -lf` prints MD5:e4:72:91:27:63:26:c9:19:38:39:2f:15:fc:b0:f3:db for this key.
  const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG+oSfx9ILfPfu22PTBSem3ekGuQf7zrqSLfR+OITxSQ test@example';

  it('shows the fingerprint the API names the key by, as ssh-keygen prints it', () => {
    expect(parseAuthorizedKey(key)).toEqual({
      type: 'ssh-ed25519',
      comment: 'test@example',
      fingerprint: 'e4:72:91:27:63:26:c9:19:38:39:2f:15:fc:b0:f3:db',
    });
  });

  it('says what is wrong with what is not a public key', () => {
    expect(parseAuthorizedKey('hello')).toHaveProperty('problem');
    expect(parseAuthorizedKey('-----BEGIN OPENSSH PRIVATE KEY-----')).toHaveProperty('problem');
    expect(parseAuthorizedKey('ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIG+oSfx9ILfPfu22PTBSem3ekGuQf7zrqSLfR+OITxSQ')).toEqual({
      problem: 'the key says "ssh-rsa" but its data is a "ssh-ed25519" key',
    });
  });
});
