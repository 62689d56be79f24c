import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import {
  type PlatformKeys,
  signDeviceToken,
  signUserToken,
  USER_TOKEN_LIFETIME_SECONDS,
  verifyUserToken,
} from '@fleetgate/auth';

function keyPair(): PlatformKeys {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

describe('user tokens', () => {
  const keys = keyPair();
  const user = {
    id: 'b3a5c7e2-1111-4222-8333-444455556666',
    username: 'alice',
    tenantId: '3dd0d1f8-8246-4519-b11a-a3dd33717f65',
    mfa: false,
  };

  it('round-trips the claims ShellHub clients read, valid for 72 hours', () => {
    const token = signUserToken(keys, user);
    expect(verifyUserToken(keys, token)).toEqual({
      claims: 'user',
      id: user.id,
      tenant: user.tenantId,
      name: 'alice',
      mfa: false,
      epoch: 0,
      authTime: expect.any(Number),
    });
    const decoded = jwt.decode(token, { complete: true }) as jwt.Jwt & { payload: jwt.JwtPayload };
    expect(decoded.header.alg).toBe('RS256');
    const { exp = 0, iat = 0 } = decoded.payload;
    expect(exp - iat).toBe(USER_TOKEN_LIFETIME_SECONDS);
    expect(decoded.payload.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('carries the epoch and the session start, and never outlives the maximum session age', () => {
    const now = Math.floor(Date.now() / 1000);
    const fresh = verifyUserToken(
      keys,
      signUserToken(keys, { ...user, epoch: 3, maxSessionAgeSeconds: 7 * 86400 }),
    );
    expect(fresh).toMatchObject({ epoch: 3 });
    expect(fresh?.authTime).toBeGreaterThanOrEqual(now);
    // A renewal of a session begun 71 hours ago keeps its start and ends when the 72-hour session age does.
    const authTime = now - 71 * 3600;
    const renewed = signUserToken(keys, { ...user, authTime, maxSessionAgeSeconds: 72 * 3600 });
    const payload = jwt.decode(renewed) as jwt.JwtPayload;
    expect(payload['auth_time']).toBe(authTime);
    expect(payload.exp).toBe(authTime + 72 * 3600);
    expect(verifyUserToken(keys, renewed)?.authTime).toBe(authTime);
  });

  it('refuses device tokens, other keys, expired tokens and other algorithms', () => {
    expect(
      verifyUserToken(keys, signDeviceToken(keys, { uid: 'a'.repeat(64), tenantId: user.tenantId })),
    ).toBeNull();
    expect(verifyUserToken(keyPair(), signUserToken(keys, user))).toBeNull();
    const expired = jwt.sign(
      { claims: 'user', id: user.id, tenant: '', name: 'alice', mfa: false },
      keys.privateKeyPem,
      {
        algorithm: 'RS256',
        expiresIn: -10,
      },
    );
    expect(verifyUserToken(keys, expired)).toBeNull();
    const symmetric = jwt.sign({ claims: 'user', id: user.id, tenant: '', name: 'alice' }, 'secret', {
      expiresIn: 60,
    });
    expect(verifyUserToken(keys, symmetric)).toBeNull();
    expect(verifyUserToken(keys, 'not a token')).toBeNull();
  });
});
