import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authenticator } from 'otplib';
import { Client } from 'ssh2';
import { SecretBox } from '@fleetgate/auth';
import type { ChannelPermissions } from '@fleetgate/data-access';
import type { ChannelPolicyRequest, GatewaySettings } from '@fleetgate/gateway';
import { childEnvironment, createTestContext, freePort, persist, type TestContext } from '@fleetgate/testing';
import { ensureLocalUser, runningAsRoot } from './support/local-user';
import { askpassEnvironment, clientOptions, generateClientKey, runAsync, type SshResult } from './support/openssh';
import { TunnelPath, withTimeout } from './support/tunnel-path';

const USER = 'fgtest';
const PASSWORD = 'device-password-42';
const describeAsRoot = runningAsRoot ? describe : describe.skip;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually<T>(probe: () => Promise<T | false | null | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

const everything: ChannelPermissions = {
  shell: true,
  exec: true,
  exec_commands: [],
  scp: true,
  sftp: true,
  subsystem: true,
  subsystem_names: [],
  local_forwarding: true,
  local_forwarding_destinations: [],
  remote_forwarding: true,
  x11_forwarding: true,
  agent_forwarding: true,
};

/**
 * Issue 12, items 1 to 3, through the real gateway session, tunnel and agent, with OpenSSH's ssh, scp and sftp:
 * channel policies allow and refuse, gateway MFA asks for a TOTP code, and the instance-wide gateway settings
 * (automatic blocking across gateway processes, the banner, strict key exchange) apply to new connections.
 */
describeAsRoot('gateway policies and settings, through the tunnel path', () => {
  let context: TestContext;
  let scratch: string;
  let path: TunnelPath;
  let key: string;

  const target = () => `${USER}@${path.namespace.name}.${path.device.name}@127.0.0.1`;
  const registerKey = (createdBy?: string) =>
    path.services.publicKeys.create(
      path.scope,
      { data: Buffer.from(readFileSync(`${key}.pub`, 'utf8')).toString('base64'), filter: { hostname: '.*' }, name: 'person', username: '.*' },
      createdBy,
    );
  const addPolicy = (channels: Partial<ChannelPermissions>, overrides: Partial<ChannelPolicyRequest> = {}) =>
    path.services.channelPolicies.create(path.scope, {
      name: 'ops',
      active: true,
      priority: 1,
      username: '',
      filter: { hostname: '.*' },
      channels: { ...everything, ...channels },
      ...overrides,
    });
  const ssh = (command: string, options: string[] = clientOptions(path.sshPort, key), env = childEnvironment()) =>
    withTimeout(runAsync('ssh', [...options, target(), command], { env }), 60_000, 'ssh');
  /** PUT /admin/api/settings, then wait until the gateway applies it to new connections. */
  const saveSettings = async (change: Partial<GatewaySettings>) => {
    await path.services.gatewaySettings.put(change);
    const wanted = JSON.stringify(await path.services.gatewaySettings.get());
    await eventually(async () => path.gateways().every((gateway) => JSON.stringify(gateway.settings.current) === wanted), 10_000, 'the gateways to reload');
  };
  const deniedChannels = () => path.auditEvents.filter((event) => event.kind === 'channel-denied');

  beforeAll(async () => {
    context = await createTestContext(__filename);
    scratch = await mkdtemp(join(tmpdir(), 'fleetgate-policies-spec-'));
    ensureLocalUser(USER, PASSWORD);
    key = generateClientKey(join(scratch, 'id_ed25519'));
  });
  afterAll(async () => {
    await context?.close();
    await rm(scratch, { recursive: true, force: true });
  });
  beforeEach(async () => {
    path = new TunnelPath(context);
    await path.start();
  });
  afterEach(async () => {
    await path?.stop();
  });

  describe('channel policies (item 1)', () => {
    it('runs an exec command the allow-list matches, and refuses one it does not, on the channel', async () => {
      await registerKey();
      await addPolicy({ shell: false, exec_commands: ['echo allowed-[a-z]+'] });
      const allowed = await ssh('echo allowed-ok');
      expect({ status: allowed.status, stdout: allowed.stdout }).toEqual({ status: 0, stdout: 'allowed-ok\n' });

      const refused = await ssh('id -un');
      expect(refused.status).toBe(1);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toMatch(/Fleetgate: The command "id -un" is not allowed by channel policy "ops"\./);
      // Anchored: an allowed command cannot carry another one.
      const smuggled = await ssh('echo allowed-ok; id -un');
      expect(smuggled.status).toBe(1);
      expect(deniedChannels()).toEqual([
        expect.objectContaining({ tenantId: path.tenantId, kind: 'channel-denied', username: USER, device: path.device.uid, address: '127.0.0.1' }),
        expect.objectContaining({ kind: 'channel-denied' }),
      ]);
      expect(deniedChannels()[0].reason).toMatch(/^exec "id -un": The command "id -un" is not allowed/);
    });

    it('refuses sftp and scp, in both of OpenSSH’s scp protocols', async () => {
      await registerKey();
      await addPolicy({ sftp: false, scp: false });
      const source = join(scratch, 'upload.txt');
      writeFileSync(source, 'not to be copied\n');
      const remote = `/tmp/fleetgate-policy-${randomUUID()}.txt`;
      const scpOptions = clientOptions(path.sshPort, key).map((option) => (option === '-p' ? '-P' : option));

      const sftpBatch = join(scratch, 'batch');
      writeFileSync(sftpBatch, `put ${source} ${remote}\n`);
      const sftp = await runAsync('sftp', [...scpOptions, '-b', sftpBatch, target()]);
      expect(sftp.status).not.toBe(0);
      expect(sftp.stderr).toMatch(/sftp is not allowed by channel policy "ops"/);

      const legacyScp = await runAsync('scp', ['-O', ...scpOptions, source, `${target()}:${remote}`]);
      expect(legacyScp.status).not.toBe(0);
      expect(legacyScp.stderr).toMatch(/scp is not allowed by channel policy "ops"/);

      const sftpScp = await runAsync('scp', [...scpOptions, source, `${target()}:${remote}`]);
      expect(sftpScp.status).not.toBe(0);
      expect(existsSync(remote)).toBe(false);
      // Commands stay allowed.
      expect((await ssh('echo still-allowed')).stdout).toBe('still-allowed\n');
      expect(deniedChannels().map((event) => event.reason)).toEqual([
        expect.stringMatching(/^subsystem sftp: /),
        expect.stringMatching(/^exec "scp .*-t .*": scp is not allowed/),
        expect.stringMatching(/^subsystem sftp: /),
      ]);
    });

    it('forwards `ssh -L` to an allowed address and refuses another, saying why', async () => {
      await registerKey();
      const echo = createServer((socket) => socket.pipe(socket));
      const echoPort = await listen(echo);
      const otherEcho = createServer((socket) => socket.pipe(socket));
      const otherPort = await listen(otherEcho);
      await addPolicy({ local_forwarding_destinations: [{ selection: 'address', value: '127.0.0.1', port: echoPort }] });
      const allowedPort = await freePort();
      const refusedPort = await freePort();
      const forward = spawn(
        'ssh',
        [...clientOptions(path.sshPort, key), '-N', '-L', `${allowedPort}:127.0.0.1:${echoPort}`, '-L', `${refusedPort}:127.0.0.1:${otherPort}`, target()],
        { env: childEnvironment(), stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stderr = '';
      forward.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      try {
        const reply = await eventually(() => roundTrip(allowedPort, 'ping through the policy\n').catch(() => null), 20_000, 'the forwarded port');
        expect(reply).toBe('ping through the policy\n');
        expect(await roundTrip(refusedPort, 'ping\n').catch(() => '')).toBe('');
        await eventually(async () => /administratively prohibited/.test(stderr), 10_000, 'the refusal on ssh’s stderr');
        expect(stderr).toMatch(new RegExp(`administratively prohibited: Fleetgate: Forwarding to 127\\.0\\.0\\.1:${otherPort} is not allowed by channel policy "ops"`));
        expect(deniedChannels().map((event) => event.reason)).toEqual([expect.stringMatching(new RegExp(`^direct-tcpip 127\\.0\\.0\\.1:${otherPort}: `))]);
      } finally {
        forward.kill();
        echo.close();
        otherEcho.close();
      }
    });

    it('refuses agent forwarding with a message, and still runs the command', async () => {
      await registerKey();
      await addPolicy({ agent_forwarding: false });
      const socketPath = join(scratch, `agent-${randomUUID()}.sock`);
      const agent = spawn('ssh-agent', ['-D', '-a', socketPath], { stdio: 'ignore' });
      try {
        await eventually(async () => existsSync(socketPath), 5_000, 'ssh-agent');
        const result = await ssh('echo ran', ['-A', ...clientOptions(path.sshPort, key)], {
          ...childEnvironment(),
          SSH_AUTH_SOCK: socketPath,
        });
        expect(result.status).toBe(0);
        expect(result.stdout).toBe('ran\n');
        expect(result.stderr).toMatch(/Fleetgate: Agent forwarding is not allowed by channel policy "ops"\./);
        expect(deniedChannels()).toEqual([expect.objectContaining({ reason: expect.stringMatching(/^auth-agent: /) })]);
      } finally {
        agent.kill();
      }
    });
  });

  describe('gateway MFA (item 2)', () => {
    const secret = authenticator.generateSecret(20);
    let memberId: string;

    /** A member with MFA on, who registered the person's key, in a namespace that requires MFA. */
    const arrangeMfa = async () => {
      const user = await persist.user(context.connection, {
        mfa: { enabled: true, secret: new SecretBox(path.keys, 'mfa-totp-secret').seal(secret), recovery_codes: [] },
      });
      memberId = user.id;
      await context.models.memberships.create({ tenant_id: path.tenantId, user_id: user.id, role: 'operator', status: 'accepted' });
      await registerKey(user.id);
      await path.services.authenticationPolicy.put(path.scope, { public_key: true, password: true, keyboard_interactive: false, require_mfa: true });
    };
    const withCode = (code: string): Promise<SshResult> => {
      const options = [
        '-p', String(path.sshPort), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'ConnectTimeout=20',
        '-i', key, '-o', 'IdentitiesOnly=yes', '-o', 'PreferredAuthentications=publickey,keyboard-interactive', '-o', 'NumberOfPasswordPrompts=1',
      ];
      return ssh('echo second-factor-passed', options, askpassEnvironment(scratch, code, childEnvironment()));
    };

    it('lets in a key whose member answers the TOTP prompt, and refuses a wrong and a replayed code', async () => {
      await arrangeMfa();
      const code = authenticator.generate(secret);
      const valid = await withCode(code);
      expect({ status: valid.status, stdout: valid.stdout }).toEqual({ status: 0, stdout: 'second-factor-passed\n' });
      const streamsAfterLogin = path.agentStreams.length;

      const wrong = await withCode(code === '000000' ? '111111' : '000000');
      expect(wrong.status).toBe(255);
      expect(wrong.stderr).toMatch(/The verification code is wrong or was already used/);

      const replayed = await withCode(code);
      expect(replayed.status).toBe(255);
      expect(replayed.stderr).toMatch(/The verification code is wrong or was already used/);
      // Neither reached the device.
      expect(path.agentStreams.length).toBe(streamsAfterLogin);
      expect(path.auditEvents.filter((event) => event.kind === 'mfa-failed')).toHaveLength(2);
    });

    it('refuses passwords and keys no member with MFA registered while MFA is required', async () => {
      await arrangeMfa();
      await context.models.users.updateOne({ id: memberId }, { $set: { 'mfa.enabled': false } });
      const withoutMfa = await withCode('123456');
      expect(withoutMfa.status).toBe(255);
      expect(withoutMfa.stderr).toMatch(/must enable MFA first/);

      const passwordOptions = [
        '-p', String(path.sshPort), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null',
        '-o', 'PreferredAuthentications=password', '-o', 'NumberOfPasswordPrompts=1', '-o', 'ConnectTimeout=20',
      ];
      const password = await ssh('true', passwordOptions, askpassEnvironment(scratch, PASSWORD, childEnvironment()));
      expect(password.status).toBe(255);
      expect(path.agentStreams).toHaveLength(0);
    });
  });

  describe('gateway settings (item 3)', () => {
    it('blocks an address after N failed passwords on every gateway process, and lifts the block after the duration', async () => {
      await registerKey();
      await saveSettings({ auto_block_max_auth_attempts: 3, auto_block_duration: 600 });
      const passwordOptions = [
        '-p', String(path.sshPort), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null',
        '-o', 'PreferredAuthentications=password', '-o', 'NumberOfPasswordPrompts=3', '-o', 'ConnectTimeout=20',
      ];
      const wrong = await ssh('true', passwordOptions, askpassEnvironment(scratch, 'not-the-password', childEnvironment()));
      expect(wrong.status).toBe(255);
      await eventually(async () => path.auditEvents.some((event) => event.kind === 'client-blocked' && event.address === '127.0.0.1'), 5_000, 'the block');

      const second = await path.startGateway();
      const onSecond = clientOptions(second.port, key);
      const blocked = await ssh('echo in', onSecond);
      expect(blocked.status).toBe(255);
      expect(blocked.stdout).toBe('');
      expect(blocked.stderr).toMatch(/Connection (closed|reset)|kex_exchange_identification/);

      path.clock.offsetMs = 601_000;
      const lifted = await ssh('echo in-again', onSecond);
      expect({ status: lifted.status, stdout: lifted.stdout }).toEqual({ status: 0, stdout: 'in-again\n' });
    });

    it('shows the user-auth banner', async () => {
      await registerKey();
      await saveSettings({ user_auth_banner: 'Authorized use only: this gateway is audited.' });
      const result = await ssh('echo in');
      expect(result.status).toBe(0);
      expect(result.stderr).toMatch(/Authorized use only: this gateway is audited\./);
    });

    it('with strict key exchange required, lets OpenSSH in and refuses an ssh2 client without it', async () => {
      await registerKey();
      await saveSettings({ strict_key_exchange: 'required' });
      const openssh = await ssh('echo strict');
      expect({ status: openssh.status, stdout: openssh.stdout }).toEqual({ status: 0, stdout: 'strict\n' });

      const outcome = await connectWithoutStrictKex(path.sshPort, `${USER}@${path.namespace.name}.${path.device.name}`, readFileSync(key));
      expect(outcome).not.toBe('ready');
      expect(path.auditEvents).toContainEqual(expect.objectContaining({ kind: 'strict-kex-refused', address: '127.0.0.1' }));

      // The same client with strict key exchange gets in, so it is the missing extension that was refused.
      await saveSettings({ strict_key_exchange: 'on' });
      expect(await connectWithoutStrictKex(path.sshPort, `${USER}@${path.namespace.name}.${path.device.name}`, readFileSync(key))).toBe('ready');
    });
  });
});

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

function roundTrip(port: number, message: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(received);
    }, 3_000);
    socket.on('connect', () => socket.write(message));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString();
      if (received.length >= message.length) {
        clearTimeout(timer);
        socket.end();
        resolve(received);
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
  });
}

interface KexInitConstructor {
  new (offer: unknown): unknown;
}

/**
 * An ssh2 client that does not offer strict key exchange, like clients from before the Terrapin fix. ssh2 always
 * adds `kex-strict-c-v00@openssh.com` to its offer and has no option to leave it out, so the offer is replaced
 * after `connect()` builds the protocol and before the socket connects and sends it.
 */
function connectWithoutStrictKex(port: number, username: string, privateKey: Buffer): Promise<'ready' | 'refused'> {
  const { KexInit } = require('ssh2/lib/protocol/kex.js') as { KexInit: KexInitConstructor };
  const algorithms = {
    cipher: ['aes128-gcm@openssh.com', 'aes256-gcm@openssh.com', 'aes128-ctr', 'aes256-ctr'],
    mac: ['hmac-sha2-256-etm@openssh.com', 'hmac-sha2-256'],
    compress: ['none'],
    lang: [],
  };
  const offer = new KexInit({
    kex: ['curve25519-sha256', 'curve25519-sha256@libssh.org', 'ecdh-sha2-nistp256'],
    serverHostKey: ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'rsa-sha2-512', 'rsa-sha2-256'],
    cs: algorithms,
    sc: algorithms,
  });
  return withTimeout(
    new Promise((resolve) => {
      const client = new Client();
      client.on('ready', () => {
        client.end();
        resolve('ready');
      });
      client.on('error', () => resolve('refused'));
      client.on('close', () => resolve('refused'));
      client.connect({ host: '127.0.0.1', port, username, privateKey, readyTimeout: 20_000 });
      (client as unknown as { _protocol: { _offer: unknown } })._protocol._offer = offer;
    }),
    30_000,
    'the ssh2 client',
  );
}
