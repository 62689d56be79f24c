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

/** A verified user token: its ShellHub claims and the session facts the guard checks against the user. */
export interface VerifiedUserToken extends UserTokenClaims {
  /** The user's token epoch when the session began; a later epoch (password change, sign-out…) ends it. */
  epoch: number;
  /** Unix seconds when the person last proved who they are; renewals keep it, so a session cannot outlive its age. */
  authTime: number;
}

export interface UserTokenSubject {
  id: string;
  username: string;
  tenantId: string;
  mfa: boolean;
  /** The user's token epoch; 0 when absent. */
  epoch?: number;
  /** When the session began (unix seconds); now when absent, i.e. a new login. */
  authTime?: number;
  /** The longest a session may last from `authTime`; the token never expires later than that. */
  maxSessionAgeSeconds?: number;
}

export function signUserToken(keys: PlatformKeys, user: UserTokenSubject): string {
  const now = Math.floor(Date.now() / 1000);
  const authTime = Math.min(user.authTime ?? now, now);
  const lifetimeEnd = now + USER_TOKEN_LIFETIME_SECONDS;
  const sessionEnd =
    user.maxSessionAgeSeconds === undefined ? lifetimeEnd : authTime + user.maxSessionAgeSeconds;
  const payload = {
    claims: 'user',
    id: user.id,
    tenant: user.tenantId,
    name: user.username,
    mfa: user.mfa,
    epoch: user.epoch ?? 0,
    auth_time: authTime,
    iat: now,
    nbf: now,
    exp: Math.min(lifetimeEnd, sessionEnd),
  };
  return jwt.sign(payload, keys.privateKeyPem, { algorithm: 'RS256', jwtid: randomUUID() });
}

/** Returns the claims of a valid, unexpired user token, or null for anything else (device tokens included). */
export function verifyUserToken(keys: PlatformKeys, token: string): VerifiedUserToken | null {
  try {
    const payload = jwt.verify(token, keys.publicKeyPem, { algorithms: ['RS256'] });
    if (typeof payload !== 'object' || payload === null || typeof payload.exp !== 'number') return null;
    const { claims, id, tenant, name, mfa, epoch, auth_time } = payload as Partial<UserTokenClaims> & {
      epoch?: unknown;
      auth_time?: unknown;
    };
    if (
      claims !== 'user' ||
      typeof id !== 'string' ||
      typeof tenant !== 'string' ||
      typeof name !== 'string'
    ) {
      return null;
    }
    // Tokens from before epochs and session ages existed read as epoch 0, begun when they were issued.
    const issuedAt = typeof payload.iat === 'number' ? payload.iat : 0;
    return {
      claims,
      id,
      tenant,
      name,
      mfa: mfa === true,
      epoch: typeof epoch === 'number' ? epoch : 0,
      authTime: typeof auth_time === 'number' ? auth_time : issuedAt,
    };
  } catch {
    return null;
  }
}
