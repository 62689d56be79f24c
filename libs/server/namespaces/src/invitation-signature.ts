import jwt from 'jsonwebtoken';
import type { PlatformKeys } from '@fleetgate/auth';

/** How long an invitation link works (ShellHub: 7 days). */
export const INVITATION_LIFETIME_SECONDS = 7 * 24 * 3600;

const purpose = 'namespace-invitation';

export interface InvitationClaims {
  tenantId: string;
  userId: string;
}

/**
 * The `sig` of an invitation link: an RS256 JWT signed with the platform key, naming the namespace and the invited
 * user, valid 7 days. Its `purpose` claim keeps it from passing as a user or device token and vice versa.
 */
export function signInvitation(keys: PlatformKeys, claims: InvitationClaims): string {
  return jwt.sign({ purpose, tenant: claims.tenantId, user: claims.userId }, keys.privateKeyPem, {
    algorithm: 'RS256',
    expiresIn: INVITATION_LIFETIME_SECONDS,
  });
}

/** The claims of a valid, unexpired invitation signature, or null. */
export function verifyInvitation(keys: PlatformKeys, signature: string): InvitationClaims | null {
  try {
    const payload = jwt.verify(signature, keys.publicKeyPem, { algorithms: ['RS256'] });
    if (typeof payload !== 'object' || payload === null || payload['purpose'] !== purpose) return null;
    const { tenant, user } = payload as { tenant?: unknown; user?: unknown };
    if (typeof tenant !== 'string' || typeof user !== 'string') return null;
    return { tenantId: tenant, userId: user };
  } catch {
    return null;
  }
}
