import type { DeviceInfo } from './device-info';

/**
 * A signed registration (`POST /api/devices/auth`): the agent proves it holds the private key whose public half it
 * registers, so that knowing a device's tenant, MAC and public key (anyone who can read the device sees all three)
 * is not enough to take over its uid, token and tunnel. See docs/device-registration.md.
 */
export const DEVICE_AUTH_SIGNATURE_HEADER = 'x-fleetgate-signature';
/**
 * Unix time in milliseconds at which the agent signed; the server refuses signatures outside its window. Milliseconds,
 * not seconds: RSA PKCS#1 v1.5 signatures are deterministic, so two registrations of one device within the same
 * second would carry the same signature and the second would be refused as a replay.
 */
export const DEVICE_AUTH_TIMESTAMP_HEADER = 'x-fleetgate-timestamp';
/** How far a signature's timestamp may be from the server's clock, either way. */
export const DEVICE_AUTH_SIGNATURE_WINDOW_SECONDS = 300;

/** The fields of a registration that the signature covers: everything the server stores or derives the uid from. */
export interface DeviceAuthSignedFields {
  tenant_id: string;
  identity?: { mac: string } | null;
  hostname?: string;
  public_key: string;
  info: DeviceInfo;
}

/**
 * The exact text the agent signs (RSA: SHA-256 PKCS#1 v1.5; Ed25519: itself). Built from the parsed fields rather
 * than the raw body, so key order and whitespace in the JSON do not matter.
 */
export function deviceAuthSigningMessage(fields: DeviceAuthSignedFields, timestamp: string): string {
  const covered = [
    fields.tenant_id,
    fields.identity ? fields.identity.mac : null,
    fields.hostname ?? null,
    fields.public_key,
    fields.info.id,
    fields.info.pretty_name,
    fields.info.version,
    fields.info.arch,
    fields.info.platform,
  ];
  return `fleetgate-device-auth-v1\n${timestamp}\n${JSON.stringify(covered)}`;
}
