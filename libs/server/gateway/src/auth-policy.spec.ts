import { DEFAULT_AUTHENTICATION_POLICY, methodVerdict, offeredMethods, secondFactorSubject } from './auth-policy';

describe('authentication policies', () => {
  it('offers public keys and passwords by default, and only public keys when MFA is required', () => {
    expect(offeredMethods(DEFAULT_AUTHENTICATION_POLICY)).toEqual(['publickey', 'password']);
    expect(offeredMethods({ ...DEFAULT_AUTHENTICATION_POLICY, keyboard_interactive: true })).toEqual(['publickey', 'password', 'keyboard-interactive']);
    expect(offeredMethods({ ...DEFAULT_AUTHENTICATION_POLICY, require_mfa: true })).toEqual(['publickey']);
  });

  it('says why a method is refused', () => {
    expect(methodVerdict({ ...DEFAULT_AUTHENTICATION_POLICY, password: false }, 'password', 'acme')).toEqual({
      allowed: false,
      reason: 'Namespace acme does not allow password logins.',
    });
    expect(methodVerdict({ ...DEFAULT_AUTHENTICATION_POLICY, require_mfa: true }, 'password', 'acme')).toMatchObject({
      allowed: false,
      reason: expect.stringMatching(/requires a second factor/),
    });
  });

  it('asks the member who registered the key, and refuses keys without one who can answer', () => {
    const policy = { ...DEFAULT_AUTHENTICATION_POLICY, require_mfa: true };
    const user = { id: 'u1', username: 'alice', mfaEnabled: true, confirmed: true };
    expect(secondFactorSubject(DEFAULT_AUTHENTICATION_POLICY, { userId: null, member: false, user: null }, 'acme')).toEqual({ required: false });
    expect(secondFactorSubject(policy, { userId: 'u1', member: true, user }, 'acme')).toEqual({ required: true, userId: 'u1', username: 'alice' });
    expect(secondFactorSubject(policy, { userId: null, member: false, user: null }, 'acme')).toMatchObject({ refused: expect.stringMatching(/names no member/) });
    expect(secondFactorSubject(policy, { userId: 'u1', member: false, user }, 'acme')).toMatchObject({ refused: expect.stringMatching(/no longer a member/) });
    expect(secondFactorSubject(policy, { userId: 'u1', member: true, user: { ...user, mfaEnabled: false } }, 'acme')).toMatchObject({
      refused: expect.stringMatching(/alice, who registered this key, must enable MFA first/),
    });
  });
});
