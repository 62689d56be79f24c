import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';

/**
 * What the gateway proves to a device before the device runs anything: the platform authorised this person as
 * `user` on this device for this session. Short-lived, bound to device, user and session, signed with the
 * platform key (no key pair per login, unlike ShellHub's RSA-4096 per connection).
 */
export interface SessionAssertion {
  device: string;
  tenant: string;
  user: string;
  session: string;
  /** `password`: the device must also check the person's password; `publickey`: the gateway already verified a key. */
  method: 'publickey' | 'password';
  jti: string;
  exp: number;
}

export const SESSION_ASSERTION_SECONDS = 60;
const AUDIENCE = 'fleetgate-device';

export function signSessionAssertion(
  privateKeyPem: string,
  claims: Omit<SessionAssertion, 'jti' | 'exp'>,
): string {
  return jwt.sign(claims, privateKeyPem, {
    algorithm: 'RS256',
    audience: AUDIENCE,
    expiresIn: SESSION_ASSERTION_SECONDS,
    jwtid: randomUUID(),
  });
}

/** Returns the assertion when it is valid for this device and user, else null. */
export function verifySessionAssertion(
  publicKeyPem: string,
  token: string,
  expected: { device: string; user: string },
): SessionAssertion | null {
  try {
    const payload = jwt.verify(token, publicKeyPem, { algorithms: ['RS256'], audience: AUDIENCE }) as Partial<SessionAssertion>;
    if (payload.device !== expected.device || payload.user !== expected.user) return null;
    if (payload.method !== 'publickey' && payload.method !== 'password') return null;
    if (typeof payload.session !== 'string' || typeof payload.jti !== 'string' || typeof payload.exp !== 'number') return null;
    return payload as SessionAssertion;
  } catch {
    return null;
  }
}

/**
 * The inner SSH login carries the assertion as its password; a password login appends the person's password after
 * a newline, which no JWT contains.
 */
export function encodeInnerCredential(assertion: string, password?: string): string {
  return password === undefined ? assertion : `${assertion}\n${password}`;
}

export function decodeInnerCredential(credential: string): { assertion: string; password?: string } {
  const newline = credential.indexOf('\n');
  return newline === -1
    ? { assertion: credential }
    : { assertion: credential.slice(0, newline), password: credential.slice(newline + 1) };
}
