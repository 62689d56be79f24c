import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { PlatformKeys } from './platform-keys';

/** ShellHub's user-token lifetime: 72 hours. */
export const USER_TOKEN_LIFETIME_SECONDS = 72 * 60 * 60;

/**
 * Claims of a user token, as ShellHub's web UI and CLI read them. The role is deliberately absent: it is looked up
 * on every request, so a member's removal or demotion takes effect at once.
 */
export interface UserTokenClaims {
  claims: 'user';
  /** The user's id. */
  id: string;
  /** The tenant the token was issued for, or '' for a user in no namespace. */
  tenant: string;
  /** The username. */
  name: string;
  mfa: boolean;
}

export function signUserToken(
  keys: PlatformKeys,
  user: { id: string; username: string; tenantId: string; mfa: boolean },
): string {
  const claims: UserTokenClaims = {
    claims: 'user',
    id: user.id,
    tenant: user.tenantId,
    name: user.username,
    mfa: user.mfa,
  };
  return jwt.sign(claims, keys.privateKeyPem, {
    algorithm: 'RS256',
    jwtid: randomUUID(),
    notBefore: 0,
    expiresIn: USER_TOKEN_LIFETIME_SECONDS,
  });
}

/** Returns the claims of a valid, unexpired user token, or null for anything else (device tokens included). */
export function verifyUserToken(keys: PlatformKeys, token: string): UserTokenClaims | null {
  try {
    const payload = jwt.verify(token, keys.publicKeyPem, { algorithms: ['RS256'] });
    if (typeof payload !== 'object' || payload === null || typeof payload.exp !== 'number') return null;
    const { claims, id, tenant, name, mfa } = payload as Partial<UserTokenClaims>;
    if (
      claims !== 'user' ||
      typeof id !== 'string' ||
      typeof tenant !== 'string' ||
      typeof name !== 'string'
    ) {
      return null;
    }
    return { claims, id, tenant, name, mfa: mfa === true };
  } catch {
    return null;
  }
}
