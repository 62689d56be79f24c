import { utils } from 'ssh2';

export interface OpenSshKeyPair {
  /** The private key in OpenSSH format, as `ssh-keygen` writes it. */
  private: string;
  /** The public key line, `ssh-ed25519 <base64 blob>`. */
  public: string;
}

/**
 * A new Ed25519 key pair in OpenSSH formats. ssh2's generator drops a leading zero byte of the 32-byte public key
 * about once in 256 keys, and then cannot parse its own output; such a pair is thrown away and generated again.
 */
export function generateEd25519KeyPair(): OpenSshKeyPair {
  for (;;) {
    const pair = utils.generateKeyPairSync('ed25519');
    const parsedPrivate = utils.parseKey(pair.private);
    const parsedPublic = utils.parseKey(pair.public);
    if (!(parsedPrivate instanceof Error) && !(parsedPublic instanceof Error)) return pair;
  }
}
