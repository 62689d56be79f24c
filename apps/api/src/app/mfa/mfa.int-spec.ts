import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { authenticator } from 'otplib';
import { EmailJobName, type EmailJobPayload, QueueName } from '@fleetgate/contracts';
import { UsersRepository } from '@fleetgate/data-access';
import { Clock, type LoginResponse } from '@fleetgate/identity';
import { QueueProducer } from '@fleetgate/queue';
import { createTestContext, type RunningHttpApp, type TestContext } from '@fleetgate/testing';
import { startApi } from '../../testing/api-environment';
import { readJson } from '../../testing/http';
import { newOwner, postLogin } from '../../testing/members';

const STEP = 30_000;
const MINUTE = 60_000;

interface Credentials {
  link: string;
  secret: string;
  recovery_codes: string[];
}

interface TestUser {
  userId: string;
  username: string;
  password: string;
  email: string;
  recoveryEmail: string;
  authorization: string;
}

interface ErrorJson {
  message: string;
  details?: { fields: Array<{ field: string }> };
}

describe('MFA: generate, enable, login second step, recovery, disable and reset', () => {
  let context: TestContext;
  let api: RunningHttpApp;
  /** The API's clock, driven by the test: the middle of a 30 s step, so ±1 step is unambiguous. */
  let now: number;

  const codeAt = (secret: string, at: number) => authenticator.clone({ epoch: at }).generate(secret);

  const call = (authorization: string | null, path: string, method = 'GET', body?: unknown) =>
    fetch(`${api.url}${path}`, {
      method,
      headers: {
        ...(authorization ? { authorization } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  const fieldsOf = async (response: Response) =>
    ((await readJson<ErrorJson>(response)).details?.fields ?? []).map(({ field }) => field);

  /** A confirmed user in a namespace of their own, logged in, with a recovery e-mail unless told otherwise. */
  const newUser = async (withRecoveryEmail = true): Promise<TestUser> => {
    const owner = await newOwner(api);
    const recoveryEmail = `recovery-${randomBytes(4).toString('hex')}@example.test`;
    if (withRecoveryEmail) {
      await api.app
        .get(UsersRepository)
        .updateById(owner.userId, { $set: { recovery_email: recoveryEmail } });
    }
    return {
      userId: owner.userId,
      username: owner.username,
      password: owner.password,
      email: `${owner.username}@example.test`,
      recoveryEmail,
      authorization: owner.authorization,
    };
  };

  const generate = async (user: TestUser): Promise<Credentials> => {
    const response = await call(user.authorization, '/api/user/mfa/generate');
    expect(response.status).toBe(200);
    return readJson<Credentials>(response);
  };

  /**
   * A user with MFA enabled (at the current step, which is then spent) and the credentials they enabled, with a
   * token from an MFA login at the next step (also spent): enabling MFA ended the password-only session.
   */
  const newMfaUser = async (): Promise<TestUser & { credentials: Credentials }> => {
    const user = await newUser();
    const credentials = await generate(user);
    const enabled = await call(user.authorization, '/api/user/mfa/enable', 'PUT', {
      code: codeAt(credentials.secret, now),
      secret: credentials.secret,
      recovery_codes: credentials.recovery_codes,
    });
    expect(enabled.status).toBe(200);
    now += STEP;
    const authorization = await mfaLogin(user, credentials.secret);
    now += STEP;
    return { ...user, authorization, credentials };
  };

  const mfaToken = async (user: TestUser): Promise<string> => {
    const response = await postLogin(api, { username: user.username, password: user.password });
    expect(response.status).toBe(401);
    const token = response.headers.get('x-mfa-token') ?? '';
    expect(token).toMatch(/^[0-9a-f-]{36}$/);
    return token;
  };

  const mfaAuth = (token: string, code: string) => call(null, '/api/user/mfa/auth', 'POST', { token, code });

  /** Both login steps with the code of the current step; the `Authorization` value of the session. */
  async function mfaLogin(user: TestUser, secret: string): Promise<string> {
    const response = await mfaAuth(await mfaToken(user), codeAt(secret, now));
    expect(response.status).toBe(200);
    return `Bearer ${(await readJson<LoginResponse>(response)).token}`;
  }

  /** A password login of a user without MFA; the `Authorization` value of the session. */
  const passwordLogin = async (user: TestUser): Promise<string> => {
    const response = await postLogin(api, { username: user.username, password: user.password });
    expect(response.status).toBe(200);
    return `Bearer ${(await readJson<LoginResponse>(response)).token}`;
  };

  const sessionWorks = async (authorization: string) =>
    (await call(authorization, '/api/auth/user')).status === 200;

  const storedUser = (userId: string) => api.app.get(UsersRepository).findById(userId);

  const resetMailsTo = async (to: string): Promise<EmailJobPayload[]> => {
    const jobs = await api.app.get(QueueProducer).queueFor(QueueName.Email).getJobs();
    return jobs
      .filter((job) => job.name === EmailJobName.Send && (job.data as EmailJobPayload).to === to)
      .sort((a, b) => a.timestamp - b.timestamp)
      .map((job) => job.data as EmailJobPayload);
  };

  beforeAll(async () => {
    context = await createTestContext(__filename);
    now = Math.floor(Date.now() / STEP) * STEP + STEP / 2;
    api = await startApi(context);
    jest.spyOn(api.app.get(Clock), 'now').mockImplementation(() => now);
  });
  afterAll(async () => {
    await api?.close();
    await context.close();
  });

  it('refuses the user-level routes without a token', async () => {
    expect((await call(null, '/api/user/mfa/generate')).status).toBe(401);
    expect((await call(null, '/api/user/mfa/enable', 'PUT', {})).status).toBe(401);
    expect((await call(null, '/api/user/mfa/disable', 'PUT', { code: '123456' })).status).toBe(401);
    expect((await call('Bearer not-a-token', '/api/user/mfa/generate')).status).toBe(401);
  });

  it('generates an otpauth link, a secret and 6 recovery codes without enabling anything', async () => {
    const user = await newUser();
    const credentials = await generate(user);
    expect(credentials.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(credentials.link).toMatch(/^otpauth:\/\/totp\//);
    expect(new URL(credentials.link).searchParams.get('secret')).toBe(credentials.secret);
    expect(credentials.recovery_codes).toHaveLength(6);
    for (const code of credentials.recovery_codes) expect(code).toMatch(/^[A-Z0-9]{10}$/);
    expect((await storedUser(user.userId))?.mfa).toBeUndefined();
    // Password login still works as before, with an empty X-MFA-Token.
    const login = await postLogin(api, { username: user.username, password: user.password });
    expect(login.status).toBe(200);
    expect(login.headers.get('x-mfa-token')).toBe('');
    expect(login.headers.get('x-account-lockout')).toBe('0');
  });

  it('enables MFA with a valid code and a recovery e-mail, storing the recovery codes hashed', async () => {
    const user = await newUser(false);
    const credentials = await generate(user);
    const body = {
      code: codeAt(credentials.secret, now),
      secret: credentials.secret,
      recovery_codes: credentials.recovery_codes,
    };

    const withoutRecoveryEmail = await call(user.authorization, '/api/user/mfa/enable', 'PUT', body);
    expect(withoutRecoveryEmail.status).toBe(400);
    expect(await fieldsOf(withoutRecoveryEmail)).toEqual(['recovery_email']);

    await api.app
      .get(UsersRepository)
      .updateById(user.userId, { $set: { recovery_email: user.recoveryEmail } });
    const wrongCode = String((Number(body.code) + 1) % 1_000_000).padStart(6, '0');
    const wrong = await call(user.authorization, '/api/user/mfa/enable', 'PUT', { ...body, code: wrongCode });
    expect(wrong.status).toBe(403);

    const malformed = await call(user.authorization, '/api/user/mfa/enable', 'PUT', {
      code: '12ab',
      secret: 'not base32!',
      recovery_codes: 'x',
    });
    expect(malformed.status).toBe(400);
    expect(await fieldsOf(malformed)).toEqual(expect.arrayContaining(['code', 'secret', 'recovery_codes']));

    expect((await call(user.authorization, '/api/user/mfa/enable', 'PUT', body)).status).toBe(200);
    const stored = await storedUser(user.userId);
    expect(stored?.mfa?.enabled).toBe(true);
    // Sealed at rest: a database dump does not give away anyone's second factor.
    expect(stored?.mfa?.secret).toMatch(/^v1:/);
    expect(stored?.mfa?.secret).not.toContain(credentials.secret);
    expect(stored?.mfa?.recovery_codes).toHaveLength(6);
    expect(stored?.mfa?.recovery_codes).not.toContain(credentials.recovery_codes[0]);
    expect(stored?.mfa?.recovery_codes).toContain(
      createHash('sha256')
        .update(credentials.recovery_codes[0] ?? '')
        .digest('hex'),
    );

    // Enabling MFA ended the session begun with the password alone (issue 17.3).
    expect(await sessionWorks(user.authorization)).toBe(false);
    now += STEP;
    const authorization = await mfaLogin(user, credentials.secret);
    now += STEP;
    const again = await generate({ ...user, authorization });
    const overwrite = await call(authorization, '/api/user/mfa/enable', 'PUT', {
      code: codeAt(again.secret, now),
      secret: again.secret,
      recovery_codes: again.recovery_codes,
    });
    expect(overwrite.status).toBe(403);
    expect((await storedUser(user.userId))?.mfa?.secret).toBe(stored?.mfa?.secret);
  });

  it('answers a right password of an MFA user with 401 and X-MFA-Token; /mfa/auth finishes the login', async () => {
    const user = await newMfaUser();
    const login = await postLogin(api, { username: user.username, password: user.password });
    expect(login.status).toBe(401);
    expect(login.headers.get('x-account-lockout')).toBe('0');
    const token = login.headers.get('x-mfa-token') ?? '';
    expect(token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    // A wrong password says nothing about MFA.
    const wrongPassword = await postLogin(api, { username: user.username, password: 'not the password' });
    expect(wrongPassword.status).toBe(401);
    expect(wrongPassword.headers.get('x-mfa-token')).toBe('');

    const code = codeAt(user.credentials.secret, now);
    const finished = await mfaAuth(token, code);
    expect(finished.status).toBe(200);
    const session = await readJson<LoginResponse>(finished);
    expect(session).toMatchObject({ id: user.userId, user: user.username, mfa: true });

    const current = await call(`Bearer ${session.token}`, '/api/auth/user');
    expect(current.status).toBe(200);
    expect(await readJson<LoginResponse>(current)).toMatchObject({ id: user.userId, mfa: true });

    // The token is single-use, and so is the code, even with a fresh token.
    expect((await mfaAuth(token, code)).status).toBe(401);
    expect((await mfaAuth(await mfaToken(user), code)).status).toBe(401);
    expect((await mfaAuth(randomUUID(), codeAt(user.credentials.secret, now))).status).toBe(401);
  });

  it('accepts a code from the previous and the next 30 s step, but not from two steps away', async () => {
    const user = await newMfaUser();
    const { secret } = user.credentials;
    // Past the step the enable spent, so that the previous step is unused.
    now += STEP;
    const token = await mfaToken(user);
    expect((await mfaAuth(token, codeAt(secret, now - 2 * STEP))).status).toBe(401);
    expect((await mfaAuth(token, codeAt(secret, now + 2 * STEP))).status).toBe(401);
    // The token survives a wrong code, so the user can type again.
    expect((await mfaAuth(token, codeAt(secret, now - STEP))).status).toBe(200);
    expect((await mfaAuth(await mfaToken(user), codeAt(secret, now + STEP))).status).toBe(200);
  });

  it('counts wrong codes toward the login lockout', async () => {
    const user = await newMfaUser();
    const token = await mfaToken(user);
    const wrong = String((Number(codeAt(user.credentials.secret, now)) + 500_000) % 1_000_000).padStart(
      6,
      '0',
    );
    expect((await mfaAuth(token, wrong)).status).toBe(401);
    expect((await mfaAuth(token, wrong)).status).toBe(401);
    const locked = await mfaAuth(token, wrong);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('x-account-lockout'))).toBe(Math.ceil((now + MINUTE) / 1000));
    // Locked: even the right code, and the password, wait for the lockout to end.
    expect((await mfaAuth(token, codeAt(user.credentials.secret, now))).status).toBe(429);
    expect((await postLogin(api, { username: user.username, password: user.password })).status).toBe(429);
    now += MINUTE;
    expect((await mfaAuth(token, codeAt(user.credentials.secret, now))).status).toBe(200);
  });

  it('checks a burst of concurrent codes one at a time, so the right code cannot ride on a burst of wrong ones', async () => {
    const user = await newMfaUser();
    const token = await mfaToken(user);
    const wrong = String((Number(codeAt(user.credentials.secret, now)) + 500_000) % 1_000_000).padStart(6, '0');
    const users = api.app.get(UsersRepository);
    const realFindById = users.findById.bind(users);
    // A slow database read inside the check, so the whole burst arrives while the first code is being checked.
    const reads = jest.spyOn(users, 'findById').mockImplementation(async (id) => {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      return realFindById(id);
    });
    try {
      const burst = Array.from({ length: 19 }, () => mfaAuth(token, wrong));
      await new Promise((resolve) => setTimeout(resolve, 300));
      const right = await mfaAuth(token, codeAt(user.credentials.secret, now));
      const statuses = (await Promise.all(burst)).map((response) => response.status);
      // Without the one-at-a-time slot every code was checked before any failure was counted: the right one got 200.
      expect(right.status).toBe(429);
      expect(reads.mock.calls.length).toBeLessThanOrEqual(3);
      expect(statuses.filter((status) => status !== 401 && status !== 429)).toEqual([]);
    } finally {
      reads.mockRestore();
    }
    now += 20 * MINUTE;
  });

  it('does not forget failed codes on a new password login, so codes cannot be guessed between logins', async () => {
    const user = await newMfaUser();
    const wrong = String((Number(codeAt(user.credentials.secret, now)) + 500_000) % 1_000_000).padStart(
      6,
      '0',
    );
    expect((await mfaAuth(await mfaToken(user), wrong)).status).toBe(401);
    expect((await mfaAuth(await mfaToken(user), wrong)).status).toBe(401);
    expect((await mfaAuth(await mfaToken(user), wrong)).status).toBe(429);
  });

  it('logs in with a recovery code once; the same code may disable MFA once within 10 minutes', async () => {
    const user = await newMfaUser();
    const [code] = user.credentials.recovery_codes;
    const recover = () =>
      call(null, '/api/user/mfa/recover', 'POST', { identifier: user.email, recovery_code: code });

    const recovered = await recover();
    expect(recovered.status).toBe(200);
    expect(Number(recovered.headers.get('x-expires-at'))).toBe(Math.floor(now / 1000) + 600);
    const session = await readJson<LoginResponse>(recovered);
    expect(session).toMatchObject({ id: user.userId, mfa: true });
    expect((await storedUser(user.userId))?.mfa?.recovery_codes).toHaveLength(5);
    expect((await recover()).status).toBe(401);

    now += 9 * MINUTE;
    const authorization = `Bearer ${session.token}`;
    expect((await call(authorization, '/api/user/mfa/disable', 'PUT', { recovery_code: code })).status).toBe(
      200,
    );
    expect((await storedUser(user.userId))?.mfa).toBeUndefined();
    // Disabling MFA ended every session (issue 17.3); a password login starts a new one.
    expect(await sessionWorks(authorization)).toBe(false);
    const plainLogin = await postLogin(api, { username: user.username, password: user.password });
    expect(plainLogin.status).toBe(200);
    const plain = await readJson<LoginResponse>(plainLogin);
    expect(plain).toMatchObject({ mfa: false });

    // A third use fails, even after MFA is enabled again with the same codes.
    const credentials = await generate({ ...user, authorization: `Bearer ${plain.token}` });
    const reenabled = await call(`Bearer ${plain.token}`, '/api/user/mfa/enable', 'PUT', {
      code: codeAt(credentials.secret, now),
      secret: credentials.secret,
      recovery_codes: user.credentials.recovery_codes,
    });
    expect(reenabled.status).toBe(200);
    now += STEP;
    const current = await mfaLogin(user, credentials.secret);
    expect((await call(current, '/api/user/mfa/disable', 'PUT', { recovery_code: code })).status).toBe(403);
    expect((await recover()).status).toBe(401);
  });

  it('closes the disable window of a used recovery code after 10 minutes', async () => {
    const user = await newMfaUser();
    const [code, unused] = user.credentials.recovery_codes;
    const recovered = await call(null, '/api/user/mfa/recover', 'POST', {
      identifier: user.username,
      recovery_code: code,
    });
    expect(recovered.status).toBe(200);
    const authorization = `Bearer ${(await readJson<LoginResponse>(recovered)).token}`;
    now += 10 * MINUTE + 1000;
    expect((await call(authorization, '/api/user/mfa/disable', 'PUT', { recovery_code: code })).status).toBe(
      403,
    );
    // An unused recovery code disables it.
    expect(
      (await call(authorization, '/api/user/mfa/disable', 'PUT', { recovery_code: unused })).status,
    ).toBe(200);
  });

  it('disables MFA with a current code, and validates the disable body', async () => {
    const user = await newMfaUser();
    const none = await call(user.authorization, '/api/user/mfa/disable', 'PUT', {});
    expect(none.status).toBe(400);
    expect(await fieldsOf(none)).toEqual(['code', 'recovery_code']);
    const malformed = await call(user.authorization, '/api/user/mfa/disable', 'PUT', { code: 'abcdef' });
    expect(malformed.status).toBe(400);
    expect(await fieldsOf(malformed)).toEqual(['code']);

    const replayed = codeAt(user.credentials.secret, now - STEP); // spent by the login step
    expect((await call(user.authorization, '/api/user/mfa/disable', 'PUT', { code: replayed })).status).toBe(
      403,
    );
    const code = codeAt(user.credentials.secret, now);
    expect((await call(user.authorization, '/api/user/mfa/disable', 'PUT', { code })).status).toBe(200);
    expect((await storedUser(user.userId))?.mfa).toBeUndefined();
    // Disabling ended the session (issue 17.3); with a new one, there is nothing left to disable.
    expect(await sessionWorks(user.authorization)).toBe(false);
    const authorization = await passwordLogin(user);
    now += STEP;
    const again = codeAt(user.credentials.secret, now);
    expect((await call(authorization, '/api/user/mfa/disable', 'PUT', { code: again })).status).toBe(400);
  });

  it('accepts a new secret’s first code in the step the old secret’s code disabled MFA (issue 8.10)', async () => {
    const user = await newMfaUser();
    const disabled = await call(user.authorization, '/api/user/mfa/disable', 'PUT', {
      code: codeAt(user.credentials.secret, now),
    });
    expect(disabled.status).toBe(200);
    const login = await postLogin(api, { username: user.username, password: user.password });
    expect(login.status).toBe(200);
    const authorization = `Bearer ${(await readJson<LoginResponse>(login)).token}`;
    const fresh = await generate({ ...user, authorization });
    // Same 30 s step as the disable: the used steps belong to the old secret, not to the user.
    const enabled = await call(authorization, '/api/user/mfa/enable', 'PUT', {
      code: codeAt(fresh.secret, now),
      secret: fresh.secret,
      recovery_codes: fresh.recovery_codes,
    });
    expect(enabled.status).toBe(200);
    expect((await storedUser(user.userId))?.mfa?.enabled).toBe(true);
  });

  it('e-mails one reset code to each address; both together disable MFA and log in', async () => {
    const user = await newMfaUser();
    const requested = await call(null, '/api/user/mfa/reset', 'POST', { identifier: user.username });
    expect(requested.status).toBe(200);
    const [main] = await resetMailsTo(user.email);
    const [recovery] = await resetMailsTo(user.recoveryEmail);
    expect(main).toMatchObject({ template: 'mfa-reset-main' });
    expect(recovery).toMatchObject({ template: 'mfa-reset-recovery' });
    const mainCode = main?.variables['code'] ?? '';
    const recoveryCode = recovery?.variables['code'] ?? '';
    expect(mainCode).toMatch(/^[A-Z0-9]{5}$/);
    expect(recoveryCode).toMatch(/^[A-Z0-9]{5}$/);

    const reset = (body: unknown, userId = user.userId) =>
      call(null, `/api/user/mfa/reset/${userId}`, 'PUT', body);
    expect((await reset({ main_email_code: mainCode, recovery_email_code: mainCode })).status).toBe(401);
    expect((await reset({ main_email_code: recoveryCode, recovery_email_code: recoveryCode })).status).toBe(
      401,
    );
    const missing = await reset({ main_email_code: mainCode });
    expect(missing.status).toBe(400);
    expect(await fieldsOf(missing)).toEqual(['recovery_email_code']);

    const done = await reset({ main_email_code: mainCode, recovery_email_code: recoveryCode });
    expect(done.status).toBe(200);
    const session = await readJson<LoginResponse>(done);
    expect(session).toMatchObject({ id: user.userId, mfa: false });
    expect((await call(`Bearer ${session.token}`, '/api/auth/user')).status).toBe(200);
    // The reset ended every other session (issue 17.3).
    expect(await sessionWorks(user.authorization)).toBe(false);
    expect((await storedUser(user.userId))?.mfa).toBeUndefined();
    // The codes were used up.
    expect((await reset({ main_email_code: mainCode, recovery_email_code: recoveryCode })).status).toBe(401);
  });

  it('answers a reset request for an unknown account or one without MFA alike, sending nothing', async () => {
    const user = await newUser();
    const unknown = await call(null, '/api/user/mfa/reset', 'POST', { identifier: `nobody-${randomUUID()}` });
    expect(unknown.status).toBe(200);
    const withoutMfa = await call(null, '/api/user/mfa/reset', 'POST', { identifier: user.email });
    expect(withoutMfa.status).toBe(200);
    expect(await resetMailsTo(user.email)).toEqual([]);
    const invalid = await call(null, '/api/user/mfa/reset', 'POST', {});
    expect(invalid.status).toBe(400);
    expect(await fieldsOf(invalid)).toEqual(['identifier']);
  });

  it('validates the auth and recover bodies', async () => {
    const auth = await call(null, '/api/user/mfa/auth', 'POST', { token: 'not-a-uuid', code: '12' });
    expect(auth.status).toBe(400);
    expect(await fieldsOf(auth)).toEqual(['token', 'code']);
    const recover = await call(null, '/api/user/mfa/recover', 'POST', { identifier: 'someone' });
    expect(recover.status).toBe(400);
    expect(await fieldsOf(recover)).toEqual(['recovery_code']);
  });
});
