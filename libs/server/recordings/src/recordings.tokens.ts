/** The platform public key that verifies recordings' signatures (`{ publicKeyPem }`). */
export const RECORDING_PUBLIC_KEYS = Symbol('RECORDING_PUBLIC_KEYS');
