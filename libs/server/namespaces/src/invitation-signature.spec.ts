import { generateKeyPairSync, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { PlatformKeys } from '@fleetgate/auth';
import { signInvitation, verifyInvitation } from './invitation-signature';

const keyPair = (): PlatformKeys => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
};

describe('invitation signatures', () => {
  const keys = keyPair();
  const claims = { tenantId: randomUUID(), userId: randomUUID() };

  it('round-trips the tenant and user, and lasts 7 days', () => {
    const signature = signInvitation(keys, claims);
    expect(verifyInvitation(keys, signature)).toEqual(claims);
    const { iat, exp } = jwt.decode(signature) as { iat: number; exp: number };
    expect(exp - iat).toBe(7 * 24 * 3600);
  });

  it('refuses another key’s, an expired, a tampered or a non-invitation token', () => {
    expect(verifyInvitation(keyPair(), signInvitation(keys, claims))).toBeNull();
    const expired = jwt.sign(
      { purpose: 'namespace-invitation', tenant: claims.tenantId, user: claims.userId },
      keys.privateKeyPem,
      {
        algorithm: 'RS256',
        expiresIn: -1,
      },
    );
    expect(verifyInvitation(keys, expired)).toBeNull();
    expect(verifyInvitation(keys, `${signInvitation(keys, claims)}x`)).toBeNull();
    const userToken = jwt.sign(
      { claims: 'user', id: claims.userId, tenant: claims.tenantId },
      keys.privateKeyPem,
      {
        algorithm: 'RS256',
        expiresIn: 60,
      },
    );
    expect(verifyInvitation(keys, userToken)).toBeNull();
  });
});
