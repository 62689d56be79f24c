import jwt from 'jsonwebtoken';
import { EmailJobName, type EmailJobPayload, QueueName } from '@fleetgate/contracts';
import { Clock, type LoginResponse } from '@fleetgate/identity';
import { QueueProducer } from '@fleetgate/queue';
import { createTestContext, type RunningHttpApp, type TestContext } from '@fleetgate/testing';
import { startApi } from '../../testing/api-environment';
import { readJson } from '../../testing/http';
import { newMember, newOwner, postLogin, type TestMember } from '../../testing/members';

const HOUR = 3600;

/** Issue 17.3 (a, b): sessions end with a password change or a sign-out, and renewals stop at the maximum age. */
describe('session lifetime: token epoch and maximum session age', () => {
  let context: TestContext;
  let api: RunningHttpApp;

  const call = (method: string, path: string, authorization?: string, body?: unknown) =>
    fetch(`${api.url}${path}`, {
      method,
      headers: {
        ...(authorization ? { authorization } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const claimsOf = (token: string) => jwt.decode(token) as jwt.JwtPayload & { auth_time: number };
  const bearer = (login: LoginResponse) => `Bearer ${login.token}`;
  const logIn = async (member: TestMember) => {
    const response = await postLogin(api, { username: member.username, password: member.password });
    expect(response.status).toBe(200);
    return readJson<LoginResponse>(response);
  };
  /** Whether a token still works, on a user-level route and on a member route. */
  const works = async (authorization: string, tenantId: string) => {
    const [user, member] = await Promise.all([
      call('GET', '/api/auth/user', authorization),
      call('GET', `/api/namespaces/${tenantId}`, authorization),
    ]);
    if (user.status !== member.status)
      throw new Error(`user route ${user.status}, member route ${member.status}`);
    return user.status === 200;
  };

  beforeAll(async () => {
    context = await createTestContext(__filename);
    api = await startApi(context, { MAX_SESSION_HOURS: '1' });
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(async () => {
    await api?.close();
    await context.close();
  });

  it('ends every token issued before PATCH /api/users {"password"}, the caller’s own included', async () => {
    const owner = await newOwner(api);
    const elsewhere = bearer(await logIn(owner));
    expect(await works(elsewhere, owner.tenantId)).toBe(true);

    const changed = await call('PATCH', '/api/users', owner.authorization, {
      password: 'a new passphrase',
      current_password: owner.password,
    });
    expect(changed.status).toBe(200);
    expect(await works(owner.authorization, owner.tenantId)).toBe(false);
    expect(await works(elsewhere, owner.tenantId)).toBe(false);
    // Renewal is no way back in.
    expect((await call('GET', `/api/auth/token/${owner.tenantId}`, elsewhere)).status).toBe(401);

    const fresh = bearer(await logIn({ ...owner, password: 'a new passphrase' }));
    expect(await works(fresh, owner.tenantId)).toBe(true);
  });

  it('ends every token with the deprecated password route and with a password reset', async () => {
    const owner = await newOwner(api);
    const changed = await call('PATCH', `/api/users/${owner.userId}/password`, owner.authorization, {
      current_password: owner.password,
      new_password: 'a second passphrase',
    });
    expect(changed.status).toBe(200);
    expect(await works(owner.authorization, owner.tenantId)).toBe(false);

    const member = { ...owner, password: 'a second passphrase' };
    const before = bearer(await logIn(member));
    expect(
      (await call('POST', '/api/user/recover_password', undefined, { username: owner.username })).status,
    ).toBe(200);
    const jobs = await api.app.get(QueueProducer).queueFor(QueueName.Email).getJobs();
    const mail = jobs
      .filter((job) => job.name === EmailJobName.Send)
      .map((job) => job.data as EmailJobPayload)
      .find(
        (payload) =>
          payload.to === `${owner.username}@example.test` && payload.template === 'password-recovery',
      );
    const link = new URL(mail?.variables['link'] ?? '');
    const reset = await call('POST', `/api/user/${owner.userId}/update_password`, undefined, {
      password: 'a third passphrase',
      token: link.searchParams.get('token'),
    });
    expect(reset.status).toBe(200);
    expect(await works(before, owner.tenantId)).toBe(false);
  });

  it('DELETE /api/auth/sessions signs out everywhere, and is documented', async () => {
    const owner = await newOwner(api);
    const operator = await newMember(api, owner.tenantId, 'operator');
    const elsewhere = bearer(await logIn(owner));
    expect((await call('DELETE', '/api/auth/sessions')).status).toBe(401);

    expect((await call('DELETE', '/api/auth/sessions', owner.authorization)).status).toBe(200);
    expect(await works(owner.authorization, owner.tenantId)).toBe(false);
    expect(await works(elsewhere, owner.tenantId)).toBe(false);
    // Only that user's sessions.
    expect(await works(operator.authorization, owner.tenantId)).toBe(true);
    expect(await works(bearer(await logIn(owner)), owner.tenantId)).toBe(true);

    const document = await readJson<{ paths: Record<string, Record<string, { operationId: string }>> }>(
      await fetch(`${api.url}/api/openapi.json`),
    );
    expect(document.paths['/api/auth/sessions']?.['delete']?.operationId).toBe('endAllSessions');
  });

  it('renews a token only within the maximum session age, counted from the login', async () => {
    const owner = await newOwner(api);
    const first = claimsOf(owner.authorization.slice('Bearer '.length));
    expect(first.exp).toBeLessThanOrEqual(first.auth_time + HOUR);

    const renewed = await readJson<LoginResponse>(await call('GET', '/api/auth/user', owner.authorization));
    const renewedClaims = claimsOf(renewed.token);
    expect(renewedClaims.auth_time).toBe(first.auth_time);
    expect(renewedClaims.exp).toBeLessThanOrEqual(first.auth_time + HOUR);
    const swapped = await readJson<LoginResponse>(
      await call('GET', `/api/auth/token/${owner.tenantId}`, bearer(renewed)),
    );
    expect(claimsOf(swapped.token).auth_time).toBe(first.auth_time);
    expect(claimsOf(swapped.token).exp).toBeLessThanOrEqual(first.auth_time + HOUR);

    // An hour after the login, every token of that session is refused, however recently renewed.
    jest.spyOn(api.app.get(Clock), 'now').mockReturnValue((first.auth_time + HOUR) * 1000);
    expect((await call('GET', '/api/auth/user', bearer(swapped))).status).toBe(401);
    expect((await call('GET', `/api/namespaces/${owner.tenantId}`, bearer(swapped))).status).toBe(401);
  });
});
