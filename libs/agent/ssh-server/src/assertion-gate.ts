import { decodeInnerCredential, type SessionAssertion, verifySessionAssertion } from '@fleetgate/tunnel';

export interface AdmittedLogin {
  assertion: SessionAssertion;
  /** The person's password, passed through by the gateway for password logins. */
  password?: string;
}

/**
 * What every device-side SSH server checks first: the login carries a session assertion signed by the platform,
 * for this device and this user, not used before. An assertion opens one login only.
 */
export class AssertionGate {
  private readonly used = new Map<string, number>();

  constructor(
    private readonly deviceUid: () => string,
    private readonly assertionKey: () => string | null,
  ) {}

  admit(username: string, credential: string): AdmittedLogin | null {
    const key = this.assertionKey();
    if (!key) return null;
    const { assertion, password } = decodeInnerCredential(credential);
    const claims = verifySessionAssertion(key, assertion, { device: this.deviceUid(), user: username });
    if (!claims || this.used.has(claims.jti)) return null;
    this.remember(claims.jti, claims.exp);
    return { assertion: claims, password };
  }

  private remember(id: string, expiresAt: number): void {
    const now = Date.now() / 1000;
    for (const [used, expiry] of this.used) if (expiry < now) this.used.delete(used);
    this.used.set(id, expiresAt);
  }
}
