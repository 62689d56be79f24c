export { PublicKeysModule } from './public-keys.module';
export { PublicKeysService, type PublicKeyCreateRequest, type PublicKeyView } from './public-keys.service';
export { publicKeyAllows } from './public-key-allows';
export { legacyMd5Fingerprint, parseAuthorizedKey, type AuthorizedKey } from './authorized-key';
export { generateEd25519KeyPair, type OpenSshKeyPair } from './openssh-key-pair';
