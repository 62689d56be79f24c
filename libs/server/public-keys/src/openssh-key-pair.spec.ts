import { utils } from 'ssh2';
import { generateEd25519KeyPair } from './openssh-key-pair';

describe('generateEd25519KeyPair', () => {
  it('always gives a pair that parses, where ssh2’s own generator fails about once in 256 keys', () => {
    // 2000 raw ssh2 keys would include about 8 broken ones.
    for (let index = 0; index < 2000; index++) {
      const pair = generateEd25519KeyPair();
      const parsed = utils.parseKey(pair.public);
      if (parsed instanceof Error || Array.isArray(parsed)) throw new Error(`unparseable key: ${pair.public}`);
      expect(parsed.getPublicSSH().length).toBe(51);
      expect(utils.parseKey(pair.private)).not.toBeInstanceOf(Error);
    }
  });
});
