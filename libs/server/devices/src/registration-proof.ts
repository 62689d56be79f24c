import { createPublicKey, verify } from 'node:crypto';
import {
  DEVICE_AUTH_SIGNATURE_WINDOW_SECONDS,
  deviceAuthSigningMessage,
  type DeviceAuthSignedFields,
} from '@fleetgate/contracts';
import { AppException } from '@fleetgate/errors';

/** The two headers of a signed registration, as they arrived. */
export interface RegistrationProofHeaders {
  signature?: string;
  timestamp?: string;
}

export interface RegistrationProof {
  signature: Buffer;
  timestamp: string;
  signedAtMs: number;
}

/** Null when the agent sent neither header (an unsigned, ShellHub-style registration); a 400 when it sent half. */
export function parseRegistrationProof(headers: RegistrationProofHeaders): RegistrationProof | null {
  const { signature, timestamp } = headers;
  if (signature === undefined && timestamp === undefined) return null;
  if (signature === undefined || timestamp === undefined)
    throw AppException.validation('X-Fleetgate-Signature and X-Fleetgate-Timestamp go together: send both or neither');
  if (!/^\d{1,15}$/.test(timestamp))
    throw AppException.validation('X-Fleetgate-Timestamp must be the signing time in Unix milliseconds');
  if (!/^[A-Za-z0-9+/]{16,1400}={0,2}$/.test(signature))
    throw AppException.validation('X-Fleetgate-Signature must be a base64 signature');
  return { signature: Buffer.from(signature, 'base64'), timestamp, signedAtMs: Number(timestamp) };
}

/** True when the signature was made within the window around `nowMs`. */
export function isFresh(proof: RegistrationProof, nowMs: number): boolean {
  return Math.abs(nowMs - proof.signedAtMs) <= DEVICE_AUTH_SIGNATURE_WINDOW_SECONDS * 1000;
}

/** Verifies the proof against a PEM public key; any key that cannot be read, or a wrong signature, is false. */
export function verifiesWith(publicKeyPem: string, fields: DeviceAuthSignedFields, proof: RegistrationProof): boolean {
  try {
    const key = createPublicKey(publicKeyPem);
    // Ed25519 signs the message itself; RSA and ECDSA sign its SHA-256 digest.
    const digest = key.asymmetricKeyType === 'ed25519' ? null : 'sha256';
    return verify(digest, Buffer.from(deviceAuthSigningMessage(fields, proof.timestamp)), key, proof.signature);
  } catch {
    return false;
  }
}
