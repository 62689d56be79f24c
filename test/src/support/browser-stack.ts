import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import {
  type AppProcess,
  createTestContext,
  freePort,
  serverEnvironment,
  startTestSmtpServer,
  type TestContext,
  type TestSmtpServer,
} from '@fleetgate/testing';
import { root, startNodeApp } from '../apps';
import { startUiServer, type UiServer } from './ui-server';

/** Debian's Chromium, which scripts/services.sh deps installs: the browser suite downloads no browser. */
export const chromiumPath = '/usr/bin/chromium';

export interface Account {
  name: string;
  username: string;
  email: string;
  password: string;
  id: string;
  token: string;
}

export interface BrowserStack {
  ui: string;
  /** The test's database and Redis (fixtures the API cannot make, such as the instance-admin flag). */
  context: TestContext;
  apiUrl: string;
  smtp: TestSmtpServer;
  browser: Browser;
  /** Calls the API directly (the "API refuses it anyway" checks and fixtures), with `token` when given. */
  api<T = unknown>(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: T; headers: Headers }>;
  /** A confirmed account, made through the API and the confirmation e-mail. */
  newAccount(prefix?: string): Promise<Account>;
  /** A namespace owned by `account`; returns its tenant id and the owner's token for it. */
  newNamespace(account: Account, name?: string): Promise<{ tenant: string; token: string }>;
  newPage(options?: { colorScheme?: 'light' | 'dark'; width?: number }): Promise<{ context: BrowserContext; page: Page }>;
  /** Signs in through the form, opening /login first unless `onLoginPage` (a page that sent there with ?next=). */
  signIn(page: Page, username: string, password: string, onLoginPage?: boolean): Promise<void>;
  startAgent(tenant: string, hostname: string): Promise<AppProcess>;
  stop(): Promise<void>;
}

const linkIn = (text: string): URL => {
  const found = /https?:\/\/\S+/.exec(text)?.[0];
  if (!found) throw new Error(`no link in: ${text}`);
  return new URL(found);
};

export { linkIn };

export interface BrowserStackOptions {
  /** More environment for the api and the worker (billing with stripe-mock), from the test's context. */
  environment?: (context: TestContext) => Record<string, string>;
}

/** The whole platform as real processes (api, gateway, worker), an SMTP sink, the built UI and Chromium. */
export async function startBrowserStack(testFile: string, options: BrowserStackOptions = {}): Promise<BrowserStack> {
  const context: TestContext = await createTestContext(testFile);
  const smtp = await startTestSmtpServer();
  const scratch = await mkdtemp(join(tmpdir(), 'fleetgate-ui-'));
  const [apiPort, sshPort, tunnelPort, workerPort, uiPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const uiUrl = `http://127.0.0.1:${uiPort}`;
  const shared = { PLATFORM_KEY_DIR: join(scratch, 'keys'), LOG_LEVEL: 'info' };
  const extra = options.environment?.(context) ?? {};
  const processes: AppProcess[] = [];
  const agents: AppProcess[] = [];
  let ui: UiServer | undefined;
  let browser: Browser | undefined;

  const stop = async () => {
    await browser?.close().catch(() => undefined);
    await ui?.close();
    await Promise.all([...agents, ...processes].map((process) => process.stop('SIGTERM').catch(() => undefined)));
    await smtp.close();
    await context.close();
    await rm(scratch, { recursive: true, force: true });
  };

  try {
    processes.push(
      await startNodeApp(
        'api',
        serverEnvironment(context, {
          ...shared,
          ...extra,
          API_PORT: String(apiPort),
          PUBLIC_API_ENDPOINT: `127.0.0.1:${apiPort}`,
          PUBLIC_SSH_ENDPOINT: `127.0.0.1:${sshPort}`,
          PUBLIC_TUNNEL_URL: `ws://127.0.0.1:${tunnelPort}`,
          PUBLIC_UI_URL: uiUrl,
          // Tests sign in many times from one address; lockouts are tested elsewhere.
          MAX_LOCKOUT_MINUTES: '0',
        }),
        { url: `${apiUrl}/healthcheck` },
      ),
    );
    processes.push(
      await startNodeApp(
        'ssh',
        serverEnvironment(context, {
          ...shared,
          SSH_PORT: String(sshPort),
          SSH_HTTP_PORT: String(tunnelPort),
          SSH_HOST_KEY_DIR: join(scratch, 'hostkeys'),
        }),
        { url: `http://127.0.0.1:${tunnelPort}/healthz` },
      ),
    );
    processes.push(
      await startNodeApp(
        'worker',
        serverEnvironment(context, { ...extra, WORKER_HEALTH_PORT: String(workerPort), SMTP_HOST: smtp.host, SMTP_PORT: String(smtp.port) }),
        { url: `http://127.0.0.1:${workerPort}/healthz` },
      ),
    );
    ui = await startUiServer({ root: join(root, 'dist/apps/ui'), apiUrl, gatewayUrl: `http://127.0.0.1:${tunnelPort}`, port: uiPort });
    browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  } catch (error) {
    await stop();
    throw error;
  }

  const api: BrowserStack['api'] = async (method, path, body, token) => {
    const response = await fetch(`${apiUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    return { status: response.status, body: parsed as never, headers: response.headers };
  };

  const stack: BrowserStack = {
    ui: uiUrl,
    context,
    apiUrl,
    smtp,
    browser,
    api,
    async newAccount(prefix = 'user') {
      const username = `${prefix}-${randomBytes(4).toString('hex')}`;
      const account = { name: 'Ada Lovelace', username, email: `${username}@example.test`, password: 'a long passphrase 1' };
      const registered = await api('POST', '/api/register', { ...account, email_marketing: false });
      if (registered.status !== 200) throw new Error(`register: ${registered.status} ${JSON.stringify(registered.body)}`);
      const link = linkIn((await smtp.nextTo(account.email, 20_000)).text);
      const confirmed = await api('GET', `/api/user/validation_account?${link.searchParams.toString()}`);
      if (confirmed.status !== 200) throw new Error(`confirm: ${confirmed.status}`);
      const login = await api<{ token: string; id: string }>('POST', '/api/login', { username, password: account.password });
      if (login.status !== 200) throw new Error(`login: ${login.status}`);
      return { ...account, id: login.body.id, token: login.body.token };
    },
    async newNamespace(account, name = `ns-${randomBytes(3).toString('hex')}`) {
      const created = await api<{ tenant_id: string }>('POST', '/api/namespaces', { name }, account.token);
      if (created.status !== 200) throw new Error(`namespace: ${created.status} ${JSON.stringify(created.body)}`);
      const swapped = await api<{ token: string }>('GET', `/api/auth/token/${created.body.tenant_id}`, undefined, account.token);
      return { tenant: created.body.tenant_id, token: swapped.body.token };
    },
    async newPage(options = {}) {
      const browserContext = await (browser as Browser).newContext({
        baseURL: uiUrl,
        colorScheme: options.colorScheme ?? 'light',
        viewport: { width: options.width ?? 1280, height: 900 },
      });
      return { context: browserContext, page: await browserContext.newPage() };
    },
    async signIn(page, username, password, onLoginPage = false) {
      if (onLoginPage) await page.waitForURL(/\/login/);
      else await page.goto('/login');
      await page.getByLabel('Username or e-mail').fill(username);
      await page.getByLabel('Password', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
    },
    async startAgent(tenant, hostname) {
      const agent = await startNodeApp(
        'agent',
        {
          FLEETGATE_SERVER_ADDRESS: apiUrl,
          FLEETGATE_TENANT_ID: tenant,
          FLEETGATE_PRIVATE_KEY: join(scratch, `${hostname}.key`),
          FLEETGATE_PREFERRED_HOSTNAME: hostname,
          FLEETGATE_LOG_LEVEL: 'debug',
        },
        // A pending device gets no tunnel: its first registration attempt (then retries) is as far as it goes.
        { pattern: /"event":"(registered|retry|tunnel-up)"/ },
      );
      agents.push(agent);
      return agent;
    },
    stop,
  };
  return stack;
}
