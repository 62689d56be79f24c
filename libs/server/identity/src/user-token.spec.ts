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
    });
    const decoded = jwt.decode(token, { complete: true }) as jwt.Jwt & { payload: jwt.JwtPayload };
    expect(decoded.header.alg).toBe('RS256');
    const { exp = 0, iat = 0 } = decoded.payload;
    expect(exp - iat).toBe(USER_TOKEN_LIFETIME_SECONDS);
    expect(decoded.payload.jti).toMatch(/^[0-9a-f-]{36}$/);
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
