import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSshKeySigner, WEB_TERMINAL_PATH } from '@fleetgate/contracts';
import type { PublicKeyDocument } from '@fleetgate/data-access';
import { TerminalTargets, WebTerminalEndpoint } from '@fleetgate/gateway';
import { createLogger } from '@fleetgate/logging';
import { type HealthServer, startHealthServer } from '@fleetgate/observability';
import { TerminalTicketRepository, type TerminalTicket } from '@fleetgate/queue';
import { createTestContext, persist, type TestContext } from '@fleetgate/testing';
import { ensureLocalUser, runningAsRoot } from './support/local-user';
import { generateClientKey } from './support/openssh';
import { TunnelPath } from './support/tunnel-path';
import { WebTerminalClient } from './support/web-terminal-client';

const USER = 'fgtest';
const PASSWORD = 'device-password-42';
const describeAsRoot = runningAsRoot ? describe : describe.skip;

/**
 * The web terminal end to end in one process (issue 10): the gateway's WebSocket endpoint on a real HTTP listener,
 * tickets in the real Redis, and behind it the same `GatewaySession`, tunnel, agent and device SSH server as `ssh`
 * uses (`TunnelPath`), on the real database. The browser is a real WebSocket client with the browser's signer.
 */
describeAsRoot('the web terminal', () => {
  let context: TestContext;
  let scratch: string;
  let path: TunnelPath;
  let endpoint: WebTerminalEndpoint;
  let http: HealthServer;
  let tickets: TerminalTicketRepository;

  /** What `POST /api/devices/{uid}/terminal` does once the member guard let the person through. */
  const ticketFor = (overrides: Partial<TerminalTicket> = {}) =>
    tickets.issue({ tenantId: path.tenantId, deviceUid: path.device.uid, userId: 'user-1', clientAddress: '127.0.0.1', ...overrides }, 30);
  const open = async (ticket: string) => WebTerminalClient.open(`ws://127.0.0.1:${http.port}${WEB_TERMINAL_PATH}?ticket=${ticket}`);
  const registerKey = (publicKeyFile: string, filter: PublicKeyDocument['filter'] = { hostname: '.*' }) =>
    path.services.publicKeys.create(path.scope, {
      data: Buffer.from(readFileSync(publicKeyFile, 'utf8')).toString('base64'),
      filter,
      name: `key-${Date.now()}`,
      username: '.*',
    });
  const ready = (terminal: WebTerminalClient) => terminal.until(() => terminal.messages.some((message) => message.type === 'ready'), 'ready');
  const refusal = async (terminal: WebTerminalClient) => {
    const closed = await terminal.closed;
    return { ...terminal.error(), close: closed.code };
  };

  beforeAll(async () => {
    context = await createTestContext(__filename);
    scratch = await mkdtemp(join(tmpdir(), 'fleetgate-web-terminal-'));
    ensureLocalUser(USER, PASSWORD);
    tickets = new TerminalTicketRepository(context.redis, context.redisPrefix);
  });
  afterAll(async () => {
    await context?.close();
    await rm(scratch, { recursive: true, force: true });
  });
  beforeEach(async () => {
    path = new TunnelPath(context);
    await path.start();
    endpoint = new WebTerminalEndpoint(tickets, {
      targets: new TerminalTargets(path.repositories.namespaces, path.repositories.devices),
      gateway: path,
      logger: createLogger({ service: 'web-terminal-test', level: 'silent' }),
    });
    http = await startHealthServer('127.0.0.1', 0, async () => ({ status: 'ok' }) as never, (request, socket, head) => endpoint.handleUpgrade(request, socket, head));
  });
  afterEach(async () => {
    endpoint?.stop();
    await http?.close();
    await path?.stop();
  });

  it('logs in with the device password, runs echo hi and sees hi, then ends with the shell', async () => {
    const terminal = await open(await ticketFor());
    terminal.start(USER, { method: 'password', password: PASSWORD });
    await ready(terminal);
    terminal.type('echo hi\n');
    await terminal.until(() => /(^|[\r\n])hi\r\n/.test(terminal.output), 'hi on a line of its own');
    terminal.type('exit\n');
    expect(await terminal.closed).toEqual({ code: 1000, reason: 'the shell ended' });
    expect(terminal.messages.at(-1)).toEqual({ type: 'exit', status: 0 });
  });

  it('logs in with an Ed25519 and an RSA key that the browser signer holds', async () => {
    const ed25519 = generateClientKey(join(scratch, 'id_ed25519'));
    const rsa = join(scratch, 'id_rsa');
    spawnSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-C', 'e2e', '-f', rsa]);
    for (const key of [ed25519, rsa]) {
      await registerKey(`${key}.pub`);
      const signer = await loadSshKeySigner(readFileSync(key, 'utf8'));
      const terminal = await open(await ticketFor());
      terminal.start(USER, { signer });
      await ready(terminal);
      expect(terminal.messages.filter((message) => message.type === 'challenge')).toHaveLength(1);
      terminal.type('id -un\n');
      await terminal.until(() => new RegExp(`(^|[\\r\\n])${USER}\\r\\n`).test(terminal.output), `${USER} from id -un`);
      terminal.close();
      await terminal.closed;
    }
  });

  it('refuses a key the namespace does not hold, saying so', async () => {
    const stranger = generateClientKey(join(scratch, `stranger-${Date.now()}`));
    const terminal = await open(await ticketFor());
    terminal.start(USER, { signer: await loadSshKeySigner(readFileSync(stranger, 'utf8')) });
    expect(await refusal(terminal)).toMatchObject({
      code: 'access-denied',
      message: `Access denied: this key may not log in as ${USER} on acme.prod-pi.`,
      close: 4403,
    });
    expect(terminal.messages.some((message) => message.type === 'challenge')).toBe(false);
  });

  it('carries a resize to the device’s terminal', async () => {
    const terminal = await open(await ticketFor());
    terminal.start(USER, { method: 'password', password: PASSWORD }, { cols: 100, rows: 30 });
    await ready(terminal);
    terminal.type('stty size\n');
    await terminal.until(() => /(^|[\r\n])30 100\r\n/.test(terminal.output), 'stty size 30 100');
    terminal.send({ type: 'resize', cols: 132, rows: 43 });
    terminal.type('stty size\n');
    await terminal.until(() => /(^|[\r\n])43 132\r\n/.test(terminal.output), 'stty size 43 132');
    terminal.close();
  });

  it('says the device is offline', async () => {
    const offline = await persist.device(context.connection, { tenant_id: path.tenantId, name: 'cold-pi', status: 'accepted' });
    const terminal = await open(await ticketFor({ deviceUid: offline.uid }));
    terminal.start(USER, { method: 'password', password: PASSWORD });
    expect(await refusal(terminal)).toEqual({ type: 'error', code: 'device-offline', message: 'Device acme.cold-pi is offline.', close: 4503 });
  });

  it('says a firewall rule denied access, before the device sees a stream', async () => {
    await path.services.firewall.create(path.scope, {
      action: 'deny',
      active: true,
      priority: 7,
      source_ip: '.*',
      username: '.*',
      filter: { hostname: '.*' },
    });
    const terminal = await open(await ticketFor());
    terminal.start(USER, { method: 'password', password: PASSWORD });
    expect(await refusal(terminal)).toEqual({
      type: 'error',
      code: 'access-denied',
      message: 'Access denied by a firewall rule of namespace acme (priority 7).',
      close: 4403,
    });
    expect(path.agentStreams).toHaveLength(0);
  });

  it('judges the firewall on the person’s address from the ticket', async () => {
    await path.services.firewall.create(path.scope, {
      action: 'deny',
      active: true,
      priority: 1,
      source_ip: '^203\\.0\\.113\\.',
      username: '.*',
      filter: { hostname: '.*' },
    });
    const denied = await open(await ticketFor({ clientAddress: '203.0.113.9' }));
    denied.start(USER, { method: 'password', password: PASSWORD });
    expect(await refusal(denied)).toMatchObject({ code: 'access-denied', close: 4403 });

    const allowed = await open(await ticketFor({ clientAddress: '198.51.100.4' }));
    allowed.start(USER, { method: 'password', password: PASSWORD });
    await ready(allowed);
    allowed.close();
  });

  it('treats another namespace’s device as one that does not exist', async () => {
    const anotherTenant = randomUUID();
    const elsewhere = await persist.device(context.connection, { tenant_id: anotherTenant, name: 'their-pi', status: 'accepted' });
    try {
      const terminal = await open(await ticketFor({ deviceUid: elsewhere.uid }));
      terminal.start(USER, { method: 'password', password: PASSWORD });
      expect(await refusal(terminal)).toEqual({
        type: 'error',
        code: 'not-found',
        message: `There is no device ${elsewhere.uid} in this namespace.`,
        close: 4404,
      });
    } finally {
      await context.models.devices.deleteMany({ tenant_id: anotherTenant });
    }
  });

  it('says the device refused a wrong password', async () => {
    const terminal = await open(await ticketFor());
    terminal.start(USER, { method: 'password', password: 'not-the-password' });
    expect(await refusal(terminal)).toEqual({
      type: 'error',
      code: 'authentication-failed',
      message: `The device refused the password of ${USER}.`,
      close: 4403,
    });
  });

  it('refuses an upgrade without a ticket, with an unknown one, and with one already used', async () => {
    await expect(WebTerminalClient.open(`ws://127.0.0.1:${http.port}${WEB_TERMINAL_PATH}`)).rejects.toMatchObject({ status: 401 });
    await expect(open('x'.repeat(43))).rejects.toMatchObject({ status: 401 });
    const ticket = await ticketFor();
    const first = await open(ticket);
    await expect(open(ticket)).rejects.toMatchObject({ status: 401 });
    first.close();
  });

  it('answers a malformed start with a clear bad-request', async () => {
    const terminal = await open(await ticketFor());
    terminal.send({ type: 'start', username: 'root@elsewhere', cols: 80, rows: 24, credential: { method: 'password', password: 'x' } });
    expect(await refusal(terminal)).toMatchObject({ code: 'bad-request', message: expect.stringMatching(/^Bad message: username must be/), close: 4400 });
  });
});
