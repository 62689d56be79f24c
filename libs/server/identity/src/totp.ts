import { createHash } from 'node:crypto';
import { authenticator } from 'otplib';
import type { MfaStateRepository } from './mfa-state.repository';

const STEP_SECONDS = 30;

/** Names a TOTP secret in Redis keys without storing it: the secret is 160 random bits, so its hash reveals nothing. */
function secretFingerprint(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 32);
}

/**
 * Checks a 6-digit code against `secret` at `now` (RFC 6238: 30 s steps, SHA-1, one step of drift either way) and
 * spends its time step for that secret, so a code is good for one use, whether the API or the gateway saw it first.
 */
export async function verifyTotpCode(state: MfaStateRepository, now: number, userId: string, secret: string, code: string): Promise<boolean> {
  const totp = authenticator.clone({ epoch: now, step: STEP_SECONDS, digits: 6, window: 1 });
  let delta: number | null;
  try {
    delta = totp.checkDelta(code.trim(), secret);
  } catch {
    // A secret that is not base32 matches no code.
    return false;
  }
  if (delta === null) return false;
  // An observed or phished code cannot be replayed within its drift window.
  const step = Math.floor(now / (STEP_SECONDS * 1000)) + delta;
  return state.markStepUsed(userId, secretFingerprint(secret), step);
}
