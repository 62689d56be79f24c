import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { PlatformKeys } from './platform-keys';

/** Claims of a device token, as ShellHub agents expect them: RS256, no expiry (the device key is the credential). */
export interface DeviceTokenClaims {
  claims: 'device';
  uid: string;
  tenant: string;
}

export function signDeviceToken(keys: PlatformKeys, device: { uid: string; tenantId: string }): string {
  const claims: DeviceTokenClaims = { claims: 'device', uid: device.uid, tenant: device.tenantId };
  return jwt.sign(claims, keys.privateKeyPem, { algorithm: 'RS256', jwtid: randomUUID(), notBefore: 0 });
}

/** Returns the claims of a valid device token, or null for anything else (wrong key, algorithm or kind). */
export function verifyDeviceToken(keys: PlatformKeys, token: string): DeviceTokenClaims | null {
  try {
    const payload = jwt.verify(token, keys.publicKeyPem, { algorithms: ['RS256'] });
    if (typeof payload !== 'object' || payload === null) return null;
    const { claims, uid, tenant } = payload as Partial<DeviceTokenClaims>;
    if (claims !== 'device' || typeof uid !== 'string' || typeof tenant !== 'string') return null;
    return { claims, uid, tenant };
  } catch {
    return null;
  }
}
