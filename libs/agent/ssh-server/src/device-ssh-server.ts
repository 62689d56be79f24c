import { existsSync } from 'node:fs';
import { connect as connectTcp } from 'node:net';
import { constants as osConstants } from 'node:os';
import type { Duplex } from 'node:stream';
import { type AuthContext, type Connection, Server, type ServerChannel, type Session } from 'ssh2';
import type { Logger } from '@fleetgate/logging';
import { AssertionGate } from './assertion-gate';
import { findLocalAccount, type LocalAccount, shadowHashOf } from './local-accounts';
import { ProcessLauncher, type PtySize } from './process-launcher';
import { acceptsClientVariable, sessionEnvironment } from './session-environment';
import { verifyShadowPassword } from './shadow-password';

export interface DeviceSshServerOptions {
  /** The device key (PEM): the device's identity towards the platform and its SSH host key. */
  hostKeyPem: string;
  deviceUid: () => string;
  deviceName: () => string;
  /** The platform key that signs session assertions, learnt from the gateway's hello. */
  assertionKey: () => string | null;
  logger: Logger;
  sftpServerPath?: string;
}

const SFTP_SERVER_CANDIDATES = [
  '/usr/lib/openssh/sftp-server',
  '/usr/libexec/openssh/sftp-server',
  '/usr/lib/ssh/sftp-server',
];

/**
 * The device-side SSH server. It never listens on a network port: it serves only streams that arrive through the
 * tunnel, and accepts only logins that carry a valid session assertion from the platform.
 */
export class DeviceSshServer {
  private readonly server: Server;
  private readonly launcher = new ProcessLauncher();
  private readonly gate: AssertionGate;

  constructor(private readonly options: DeviceSshServerOptions) {
    this.gate = new AssertionGate(options.deviceUid, options.assertionKey);
    this.server = new Server({ hostKeys: [options.hostKeyPem], ident: 'Fleetgate-agent' }, (client) =>
      this.accept(client),
    );
  }

  serve(stream: Duplex): void {
    this.server.injectSocket(stream as never);
  }

  private accept(client: Connection): void {
    let account: LocalAccount | null = null;
    client.on('error', (error) =>
      this.options.logger.debug({ err: error.message }, 'gateway connection error'),
    );
    client.on('authentication', (context) => {
      void this.authenticate(context).then((authenticated) => {
        if (authenticated) {
          account = authenticated;
          context.accept();
        } else {
          context.reject(['password']);
        }
      });
    });
    client.on('ready', () => {
      if (!account) return client.end();
      const user = account;
      client.on('session', (acceptSession) => this.handleSession(acceptSession(), user));
      client.on('tcpip', (acceptChannel, rejectChannel, info) => {
        const socket = connectTcp({ host: info.destIP, port: info.destPort });
        socket.once('error', () => rejectChannel());
        socket.once('connect', () => {
          socket.removeAllListeners('error');
          socket.setNoDelay(true);
          const channel = acceptChannel();
          channel.pipe(socket).pipe(channel);
          socket.on('error', () => channel.close());
          channel.on('close', () => socket.destroy());
        });
      });
    });
  }

  private async authenticate(context: AuthContext): Promise<LocalAccount | null> {
    if (context.method !== 'password') return null;
    const admitted = this.gate.admit(context.username, context.password);
    if (!admitted) return null;
    const { assertion: claims, password } = admitted;
    const account = await findLocalAccount(context.username).catch(() => null);
    if (!account) return null;
    if (claims.method === 'password') {
      const hash = await shadowHashOf(account.name).catch(() => null);
      if (!(await verifyShadowPassword(password ?? '', hash))) return null;
    }
    this.options.logger.info(
      { event: 'login', user: account.name, session: claims.session, method: claims.method },
      'session opened',
    );
    return account;
  }

  private handleSession(session: Session, account: LocalAccount): void {
    const clientVariables: Record<string, string> = {};
    let terminal: { term: string; size: PtySize } | null = null;
    let resize: ((size: PtySize) => void) | null = null;
    let signal: ((name: string) => void) | null = null;

    session.on('pty', (accept, _reject, info) => {
      terminal = { term: info.term || 'xterm', size: { cols: info.cols || 80, rows: info.rows || 24 } };
      accept?.();
    });
    session.on('window-change', (accept, _reject, info) => {
      if (terminal) terminal.size = { cols: info.cols, rows: info.rows };
      resize?.({ cols: info.cols, rows: info.rows });
      accept?.();
    });
    session.on('env', (accept, reject, info) => {
      if (acceptsClientVariable(info.key)) {
        clientVariables[info.key] = info.val;
        accept?.();
      } else {
        reject?.();
      }
    });
    session.on('signal', (accept, _reject, info) => {
      signal?.(info.name);
      accept?.();
    });

    const environment = () =>
      sessionEnvironment(account, clientVariables, {
        term: terminal?.term,
        deviceName: this.options.deviceName(),
      });
    const run = (channel: ServerChannel, command: string[]) => {
      const request = { account, command, env: environment() };
      if (terminal) {
        ({ resize, signal } = this.runOnPty(channel, request, terminal));
      } else {
        ({ signal } = this.runOnPipes(channel, request));
      }
    };

    session.on('shell', (accept) => run(accept(), [account.shell, '-l']));
    session.on('exec', (accept, _reject, info) => run(accept(), [account.shell, '-c', info.command]));
    session.on('subsystem', (accept, reject, info) => {
      const sftpServer =
        this.options.sftpServerPath ?? SFTP_SERVER_CANDIDATES.find((path) => existsSync(path));
      if (info.name !== 'sftp' || !sftpServer) return reject();
      terminal = null;
      run(accept(), [sftpServer]);
    });
  }

  private runOnPty(
    channel: ServerChannel,
    request: Parameters<ProcessLauncher['spawnPty']>[0],
    terminal: { term: string; size: PtySize },
  ) {
    let child;
    try {
      child = this.launcher.spawnPty(request, terminal.term, terminal.size);
    } catch (error) {
      return this.fail(channel, error);
    }
    child.onData((data) => {
      // Backpressure: stop reading the terminal while the channel's window is full.
      if (!channel.write(data)) {
        child.pause();
        channel.once('drain', () => child.resume());
      }
    });
    channel.on('data', (data: Buffer) => child.write(data.toString('binary')));
    channel.on('close', () => child.kill('SIGHUP'));
    child.onExit(({ exitCode, signal }) =>
      finish(channel, exitCode, signal ? signalName(signal) : undefined),
    );
    return {
      resize: (size: PtySize) => child.resize(size.cols, size.rows),
      signal: (name: string) => child.kill(`SIG${name}`),
    };
  }

  private runOnPipes(channel: ServerChannel, request: Parameters<ProcessLauncher['spawnPipes']>[0]) {
    let child;
    try {
      child = this.launcher.spawnPipes(request);
    } catch (error) {
      return this.fail(channel, error);
    }
    const { stdin, stdout, stderr } = child;
    if (!stdin || !stdout || !stderr)
      return this.fail(channel, new Error('the program has no standard streams'));
    child.on('error', (error) => this.fail(channel, error));
    channel.pipe(stdin);
    stdin.on('error', () => undefined);
    stdout.pipe(channel, { end: false });
    stderr.pipe(channel.stderr, { end: false });
    channel.on('close', () => child.exitCode === null && child.kill('SIGHUP'));
    child.on('close', (code, signal) =>
      finish(channel, code ?? 0, signal ? signal.replace(/^SIG/, '') : undefined),
    );
    return { resize: null, signal: (name: string) => child.kill(`SIG${name}` as NodeJS.Signals) };
  }

  private fail(channel: ServerChannel, error: unknown) {
    this.options.logger.warn(
      { err: error instanceof Error ? error.message : String(error) },
      'could not start the program',
    );
    channel.stderr.write(`fleetgate-agent: ${error instanceof Error ? error.message : String(error)}\r\n`);
    finish(channel, 127);
    return { resize: null, signal: null };
  }
}

function finish(channel: ServerChannel, code: number, signal?: string): void {
  if (signal) channel.exit(signal, false, '');
  else channel.exit(code);
  channel.end();
}

function signalName(signal: number): string | undefined {
  const entry = Object.entries(osConstants.signals).find(([, number]) => number === signal);
  return entry?.[0].replace(/^SIG/, '');
}
