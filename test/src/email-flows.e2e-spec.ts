import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AppProcess,
  createTestContext,
  freePort,
  serverEnvironment,
  startTestSmtpServer,
  type TestContext,
  type TestSmtpServer,
} from '@fleetgate/testing';
import { startNodeApp } from './apps';

/** The first https link of an e-mail's text. */
const linkIn = (text: string) => {
  const found = /https?:\/\/\S+/.exec(text)?.[0];
  if (!found) throw new Error(`no link in: ${text}`);
  return new URL(found);
};

describe('account e-mails end to end: api and worker as real processes, a real SMTP server', () => {
  let context: TestContext;
  let smtp: TestSmtpServer;
  let scratch: string;
  let api: AppProcess;
  let worker: AppProcess;
  let base: string;

  const call = (method: string, path: string, body?: unknown, authorization?: string) =>
    fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const login = async (username: string, password: string) =>
    call('POST', '/api/login', { username, password });
  const newAccount = () => {
    const username = `user-${randomBytes(4).toString('hex')}`;
    return {
      name: 'Ada',
      email: `${username}@example.test`,
      username,
      password: 'a long passphrase',
      email_marketing: false,
    };
  };

  beforeAll(async () => {
    context = await createTestContext(__filename);
    smtp = await startTestSmtpServer();
    scratch = await mkdtemp(join(tmpdir(), 'fleetgate-mail-'));
    const [apiPort, workerPort] = [await freePort(), await freePort()];
    base = `http://127.0.0.1:${apiPort}`;
    const shared = {
      PLATFORM_KEY_DIR: join(scratch, 'keys'),
      PUBLIC_UI_URL: 'https://console.fleetgate.test',
    };
    api = await startNodeApp('api', serverEnvironment(context, { ...shared, API_PORT: String(apiPort) }), {
      url: `${base}/healthcheck`,
    });
    worker = await startNodeApp(
      'worker',
      serverEnvironment(context, {
        WORKER_HEALTH_PORT: String(workerPort),
        SMTP_HOST: smtp.host,
        SMTP_PORT: String(smtp.port),
      }),
      { url: `http://127.0.0.1:${workerPort}/healthz` },
    );
  }, 120_000);
  afterAll(async () => {
    await Promise.all([api?.stop('SIGTERM'), worker?.stop('SIGTERM')]);
    await smtp?.close();
    await context.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it('signs up, confirms through the e-mailed link, and logs in', async () => {
    const account = newAccount();
    expect((await call('POST', '/api/register', account)).status).toBe(200);
    expect((await login(account.username, account.password)).status).toBe(403);

    const email = await smtp.nextTo(account.email, 20_000);
    expect(email.subject).toBe('Confirm your Fleetgate account');
    const link = linkIn(email.text);
    expect(link.origin).toBe('https://console.fleetgate.test');
    // What the UI does with the link: hand its email and token to the API.
    const confirmed = await call('GET', `/api/user/validation_account?${link.searchParams.toString()}`);
    expect(confirmed.status).toBe(200);
    expect((await login(account.username, account.password)).status).toBe(200);
  });

  it('recovers a forgotten password through the e-mailed link', async () => {
    const account = newAccount();
    await call('POST', '/api/register', account);
    const confirmation = linkIn((await smtp.nextTo(account.email, 20_000)).text);
    await call('GET', `/api/user/validation_account?${confirmation.searchParams.toString()}`);

    expect((await call('POST', '/api/user/recover_password', { username: account.email })).status).toBe(200);
    const email = await smtp.nextTo(account.email, 20_000);
    expect(email.subject).toBe('Reset your Fleetgate password');
    const link = linkIn(email.text);
    const reset = await call('POST', `/api/user/${link.searchParams.get('id')}/update_password`, {
      password: 'a brand new passphrase',
      token: link.searchParams.get('token'),
    });
    expect(reset.status).toBe(200);
    expect((await login(account.username, account.password)).status).toBe(401);
    expect((await login(account.username, 'a brand new passphrase')).status).toBe(200);
  });

  it('invites someone without an account, who signs up from the invitation and is a member', async () => {
    const owner = newAccount();
    await call('POST', '/api/register', owner);
    const confirmation = linkIn((await smtp.nextTo(owner.email, 20_000)).text);
    await call('GET', `/api/user/validation_account?${confirmation.searchParams.toString()}`);
    const ownerToken = ((await (await login(owner.username, owner.password)).json()) as { token: string })
      .token;
    const created = await call(
      'POST',
      '/api/namespaces',
      { name: `ns-${randomBytes(3).toString('hex')}` },
      `Bearer ${ownerToken}`,
    );
    expect(created.status).toBe(200);
    const { tenant_id: tenantId } = (await created.json()) as { tenant_id: string };
    // As the UI does after creating a namespace: a token that acts in it.
    const inNamespace = await call('GET', `/api/auth/token/${tenantId}`, undefined, `Bearer ${ownerToken}`);
    const ownerInNamespace = ((await inNamespace.json()) as { token: string }).token;

    const invitee = newAccount();
    const invited = await call(
      'POST',
      `/api/namespaces/${tenantId}/members`,
      { email: invitee.email, role: 'operator' },
      `Bearer ${ownerInNamespace}`,
    );
    expect(invited.status).toBe(200);
    const invitation = await smtp.nextTo(invitee.email, 20_000);
    expect(invitation.subject).toMatch(/invited you to/);
    const sig = linkIn(invitation.text).searchParams.get('sig');

    expect((await call('POST', '/api/register', { ...invitee, sig })).status).toBe(200);
    const session = (await (await login(invitee.username, invitee.password)).json()) as { token: string };
    const accepted = await call(
      'PATCH',
      `/api/namespaces/${tenantId}/members/accept-invite`,
      { sig },
      `Bearer ${session.token}`,
    );
    expect(accepted.status).toBe(200);
    const switched = await call('GET', `/api/auth/token/${tenantId}`, undefined, `Bearer ${session.token}`);
    expect(switched.status).toBe(200);
    expect(await switched.json()).toMatchObject({ tenant: tenantId, role: 'operator' });
  });
});
