import { createTestContext, type RunningHttpApp, type TestContext } from '@fleetgate/testing';
import { startApi } from './testing/api-environment';

/** Issue 15 item 6: security headers, a strict CORS policy, and rate limits on the authentication routes. */
describe('API hygiene: headers, CORS and authentication rate limits', () => {
  let context: TestContext;
  const running: RunningHttpApp[] = [];

  const boot = async (variables: Record<string, string> = {}) => {
    const api = await startApi(context, variables);
    running.push(api);
    return api;
  };
  const post = (api: RunningHttpApp, path: string, body: unknown) =>
    fetch(`${api.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  let attempt = 0;
  const failedLogin = (api: RunningHttpApp, username = `nobody-${(attempt += 1)}`) =>
    post(api, '/api/login', { username, password: 'not-the-password' });

  beforeAll(async () => {
    context = await createTestContext(__filename);
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((api) => api.close()));
    // Each test starts with a fresh budget: the rate limiter's keys of this file's prefix go (never anyone else's).
    const stale = await context.redis.keys(`${context.redisPrefix}:auth-rate*`);
    if (stale.length > 0) await context.redis.del(...stale);
  });
  afterAll(async () => {
    await context.close();
  });

  it('sends helmet’s security headers on answers and errors, and no X-Powered-By', async () => {
    const api = await boot();
    for (const response of [await fetch(`${api.url}/info`), await fetch(`${api.url}/api/devices`)]) {
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('grants no other origin by default, and only the configured ones when set', async () => {
    const preflight = (api: RunningHttpApp, origin: string) =>
      fetch(`${api.url}/api/devices`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization',
        },
      });
    const closed = await boot();
    const refused = await preflight(closed, 'https://evil.example');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    const simple = await fetch(`${closed.url}/info`, { headers: { origin: 'https://evil.example' } });
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();

    const open = await boot({ CORS_ALLOWED_ORIGINS: 'https://ui.example.test' });
    expect((await preflight(open, 'https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
    const granted = await preflight(open, 'https://ui.example.test');
    expect(granted.headers.get('access-control-allow-origin')).toBe('https://ui.example.test');
    expect(granted.headers.get('access-control-allow-headers')).toContain('X-API-KEY');
    expect(granted.headers.get('access-control-allow-credentials')).toBeNull();
    const read = await fetch(`${open.url}/info`, { headers: { origin: 'https://ui.example.test' } });
    expect(read.headers.get('access-control-expose-headers')).toContain('X-Total-Count');
  });

  it('answers 429 with Retry-After once an address spends its budget, across routes and API replicas', async () => {
    const limit = { AUTH_RATE_LIMIT_PER_MINUTE: '5' };
    const [first, second] = [await boot(limit), await boot(limit)];
    // Different usernames, so that the per-account lockout never starts: this is the address's budget.
    for (const api of [first, second, first, second, first]) expect((await failedLogin(api)).status).toBe(401);

    const limited = await failedLogin(second);
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await limited.json()).toMatchObject({ code: 'too_many_requests' });
    // One budget for every anonymous authentication route: sign-up and recovery are spent too.
    expect((await post(first, '/api/register', { name: 'x', username: 'x', email: 'x@example.test', password: 'x' })).status).toBe(429);
    expect((await post(first, '/api/user/recover_password', { username: 'x' })).status).toBe(429);
    expect((await post(first, '/api/user/mfa/auth', { token: 'x', code: '000000' })).status).toBe(429);
    // Routes that are not about authenticating are not counted.
    expect((await fetch(`${first.url}/info`)).status).toBe(200);
  });

  it('keeps the per-account lockout, whose 429 now carries Retry-After as well as X-Account-Lockout', async () => {
    const api = await boot({ AUTH_RATE_LIMIT_PER_MINUTE: '100' });
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let index = 0; index < 4; index += 1) {
      last = await failedLogin(api, 'same-person');
      statuses.push(last.status);
    }
    expect(statuses).toEqual([401, 401, 429, 429]);
    expect(Number(last?.headers.get('x-account-lockout'))).toBeGreaterThan(Date.now() / 1000);
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});
