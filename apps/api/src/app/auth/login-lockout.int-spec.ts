import { loadApiConfig } from '@fleetgate/config';
import { Clock, PasswordHashingService } from '@fleetgate/identity';
import {
  bootHttpApp,
  createTestContext,
  type RunningHttpApp,
  serverEnvironment,
  type TestContext,
} from '@fleetgate/testing';
import { createApiApplication } from '../../bootstrap';
import { temporaryKeyDirectory } from '../../testing/api-environment';
import { newOwner } from '../../testing/members';

const MINUTE = 60_000;

describe('login lockout per (client address, user)', () => {
  let context: TestContext;
  let keys: ReturnType<typeof temporaryKeyDirectory>;
  let api: RunningHttpApp;
  /** The API's clock, driven by the test. */
  let now: number;

  const boot = async (extra: Record<string, string> = {}) => {
    const running = await bootHttpApp(() =>
      createApiApplication(
        loadApiConfig(serverEnvironment(context, { PLATFORM_KEY_DIR: keys.path, MAX_LOCKOUT_MINUTES: '20', ...extra })),
      ),
    );
    jest.spyOn(running.app.get(Clock), 'now').mockImplementation(() => now);
    return running;
  };

  const login = (target: RunningHttpApp, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${target.url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  const lockoutOf = (response: Response) => Number(response.headers.get('x-account-lockout'));

  beforeAll(async () => {
    context = await createTestContext(__filename);
    keys = temporaryKeyDirectory();
    now = Date.now();
    api = await boot();
  });
  afterAll(async () => {
    await api?.close();
    await context.close();
    keys.remove();
  });

  it('locks from the 3rd failure for 1, 4, 16 minutes, then the configured maximum, and answers 429 meanwhile', async () => {
    const owner = await newOwner(api);
    const wrong = { username: owner.username, password: 'not the password' };

    for (const attempt of [1, 2]) {
      const response = await login(api, wrong);
      expect({ attempt, status: response.status, lockout: lockoutOf(response) }).toEqual({
        attempt,
        status: 401,
        lockout: 0,
      });
    }
    for (const minutes of [1, 4, 16, 20]) {
      const failing = await login(api, wrong);
      expect(failing.status).toBe(429);
      const end = lockoutOf(failing);
      expect(end).toBe(Math.ceil((now + minutes * MINUTE) / 1000));

      // Locked: even the right password is refused, with the same end time, and tries do not extend the lock.
      const locked = await login(api, { username: owner.username, password: owner.password });
      expect(locked.status).toBe(429);
      expect(lockoutOf(locked)).toBe(end);
      now += minutes * MINUTE - 1000;
      expect((await login(api, wrong)).status).toBe(429);
      now += 1000;
    }

    // The counter lives no longer than the maximum (ShellHub), so it has run out with the capped lock.
    expect((await login(api, wrong)).status).toBe(401);
    expect((await login(api, wrong)).status).toBe(401);
    const again = await login(api, wrong);
    expect(again.status).toBe(429);
    expect(lockoutOf(again)).toBe(Math.ceil((now + MINUTE) / 1000));
    now += MINUTE;

    // After the lock, the right password works and clears the count.
    const success = await login(api, { username: owner.username, password: owner.password });
    expect(success.status).toBe(200);
    expect(success.headers.get('x-account-lockout')).toBe('0');
    expect((await login(api, wrong)).status).toBe(401);
    expect((await login(api, wrong)).status).toBe(401);
    expect((await login(api, wrong)).status).toBe(429);
    now += MINUTE;
  });

  it('checks a burst of concurrent wrong passwords one at a time, so none slips past the lock', async () => {
    const owner = await newOwner(api);
    const hashing = api.app.get(PasswordHashingService);
    const checks = jest.spyOn(hashing, 'matches');
    try {
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => login(api, { username: owner.username, password: 'not the password' })),
      );
      const statuses = answers.map((response) => response.status);
      // Each check that ran was counted before the next could start: never more than the 3 that reach the lock.
      expect(checks.mock.calls.length).toBeGreaterThanOrEqual(1);
      expect(checks.mock.calls.length).toBeLessThanOrEqual(3);
      expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(2);
      expect(statuses.filter((status) => status !== 401 && status !== 429)).toEqual([]);
    } finally {
      checks.mockRestore();
    }
    now += 20 * MINUTE;
  });

  it('refuses the right password sent in a burst of 39 wrong ones while they are being checked', async () => {
    const owner = await newOwner(api);
    const hashing = api.app.get(PasswordHashingService);
    const realMatches = hashing.matches.bind(hashing);
    // A slow hash, as on a loaded server: the whole burst arrives while the first guess is still being checked.
    const checks = jest.spyOn(hashing, 'matches').mockImplementation(async (hash, password) => {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      return realMatches(hash, password);
    });
    try {
      const wrong = Array.from({ length: 39 }, () => login(api, { username: owner.username, password: 'not the password' }));
      await new Promise((resolve) => setTimeout(resolve, 300));
      const right = await login(api, { username: owner.username, password: owner.password });
      const statuses = (await Promise.all(wrong)).map((response) => response.status);
      expect(right.status).toBe(429);
      expect(((await right.json()) as { message: string }).message).toMatch(/still being checked/);
      // Without the one-at-a-time slot every one of the 40 was checked, and the right one got 200.
      expect(checks.mock.calls.length).toBeLessThanOrEqual(3);
      expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(2);
      expect(statuses.filter((status) => status !== 401 && status !== 429)).toEqual([]);
    } finally {
      checks.mockRestore();
    }
    // Once the burst is over, the right password works: only one failure was ever counted.
    expect((await login(api, { username: owner.username, password: owner.password })).status).toBe(200);
  });

  it('forgets failures once the counter expires (2 minutes after a failure before any lock)', async () => {
    const owner = await newOwner(api);
    const wrong = { username: owner.username, password: 'not the password' };
    expect((await login(api, wrong)).status).toBe(401);
    expect((await login(api, wrong)).status).toBe(401);
    now += 2 * MINUTE;
    expect((await login(api, wrong)).status).toBe(401);
    expect((await login(api, wrong)).status).toBe(401);
    expect((await login(api, wrong)).status).toBe(429);
  });

  it('locks by e-mail address and username alike, and locks unknown users the same way', async () => {
    const owner = await newOwner(api);
    expect((await login(api, { username: owner.username, password: 'wrong one' })).status).toBe(401);
    expect((await login(api, { username: `${owner.username}@example.test`, password: 'wrong one' })).status).toBe(
      401,
    );
    expect((await login(api, { username: owner.username.toUpperCase(), password: 'wrong one' })).status).toBe(429);

    const unknown = { username: `nobody-${owner.username}`, password: 'wrong one' };
    const answers = [];
    for (let attempt = 0; attempt < 3; attempt += 1) answers.push((await login(api, unknown)).status);
    expect(answers).toEqual([401, 401, 429]);
  });

  it('does not let an untrusted client escape the lock by rotating X-Forwarded-For or X-Real-IP', async () => {
    const owner = await newOwner(api);
    const statuses = [];
    for (let attempt = 0; attempt < 6; attempt += 1) {
      const spoofed = `198.51.100.${attempt + 1}`;
      const response = await login(
        api,
        { username: owner.username, password: 'not the password' },
        { 'X-Forwarded-For': spoofed, 'X-Real-IP': spoofed },
      );
      statuses.push(response.status);
    }
    expect(statuses).toEqual([401, 401, 429, 429, 429, 429]);
    const right = await login(
      api,
      { username: owner.username, password: owner.password },
      { 'X-Forwarded-For': '203.0.113.200', 'X-Real-IP': '203.0.113.200' },
    );
    expect(right.status).toBe(429);
  });

  it('keeps the lock across an API restart, because it lives in Redis', async () => {
    const owner = await newOwner(api);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await login(api, { username: owner.username, password: 'not the password' });
    }
    await api.close();
    api = await boot();
    const response = await login(api, { username: owner.username, password: owner.password });
    expect(response.status).toBe(429);
    expect(lockoutOf(response)).toBe(Math.ceil((now + MINUTE) / 1000));
  });

  it('locks per client address as told by a trusted proxy', async () => {
    const proxied = await boot({ TRUSTED_PROXIES: '127.0.0.1/32' });
    try {
      const owner = await newOwner(proxied);
      const from = (address: string, password: string) =>
        login(proxied, { username: owner.username, password }, { 'X-Real-IP': address });
      for (let attempt = 0; attempt < 3; attempt += 1) await from('203.0.113.7', 'not the password');
      expect((await from('203.0.113.7', owner.password)).status).toBe(429);
      expect((await from('203.0.113.8', owner.password)).status).toBe(200);
    } finally {
      await proxied.close();
    }
  });

  it('turns lockouts off with MAX_LOCKOUT_MINUTES=0', async () => {
    const unlimited = await boot({ MAX_LOCKOUT_MINUTES: '0' });
    try {
      const owner = await newOwner(unlimited);
      const statuses = [];
      for (let attempt = 0; attempt < 4; attempt += 1) {
        statuses.push((await login(unlimited, { username: owner.username, password: 'not the password' })).status);
      }
      expect(statuses).toEqual([401, 401, 401, 401]);
    } finally {
      await unlimited.close();
    }
  });
});
