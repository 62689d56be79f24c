import { apiErrorFrom } from './api-error';

describe('apiErrorFrom', () => {
  it('puts DTO validation problems under their field', () => {
    const error = apiErrorFrom(400, {
      code: 'validation_failed',
      message: 'email: email must be an email',
      details: { fields: [{ field: 'email', problems: ['email must be an email'] }] },
    });
    expect(error.fieldErrors).toEqual({ email: 'email must be an email' });
    expect(error.message).toBe('email: email must be an email');
  });

  it('reads the bare list of clashing user fields of a 409', () => {
    const error = apiErrorFrom(409, ['username', 'email']);
    expect(error.fieldErrors).toEqual({ username: 'this username is already taken', email: 'this email is already taken' });
  });

  it('names the fields a domain error lists', () => {
    const error = apiErrorFrom(400, { code: 'validation_failed', message: 'new_password must differ', details: ['new_password'] });
    expect(error.fieldErrors).toEqual({ new_password: 'new_password must differ' });
  });

  it('falls back to a sentence for bodies it cannot read', () => {
    expect(apiErrorFrom(403, 'nope').message).toBe('You are not allowed to do this.');
    expect(apiErrorFrom(502, null).message).toBe('The server answered 502.');
  });
});
