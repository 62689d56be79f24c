import { existsSync } from 'node:fs';
import { connect as connectTcp } from 'node:net';
import { constants as osConstants } from 'node:os';
import type { Connection, ServerChannel } from 'ssh2';
import type { AdmittedLogin } from './assertion-gate';
import {
  finishChannel,
  GatewaySessionServer,
  type GatewaySessionServerOptions,
  type ProgramRequest,
  type PtySize,
  type RunningProgram,
  type SessionState,
} from './gateway-session-server';
import { findLocalAccount, type LocalAccount, shadowHashOf } from './local-accounts';
import { type PtySupport, ptySupport } from './native-pty';
import { ProcessLauncher } from './process-launcher';
import { sessionEnvironment } from './session-environment';
import { verifyShadowPassword } from './shadow-password';

export interface DeviceSshServerOptions extends GatewaySessionServerOptions {
  sftpServerPath?: string;
  /** Whether sessions can have a terminal; node-pty by default, loaded at the first terminal request. */
  ptySupport?: () => PtySupport;
}

const SFTP_SERVER_CANDIDATES = [
  '/usr/lib/openssh/sftp-server',
  '/usr/libexec/openssh/sftp-server',
  '/usr/lib/ssh/sftp-server',
];

/**
 * The device-side SSH server of a host: a login runs as the local account of that name, with a real PTY when one is
 * asked for; password logins are checked against /etc/shadow; SFTP and port forwarding are served.
 */
export class DeviceSshServer extends GatewaySessionServer<LocalAccount> {
  private readonly launcher = new ProcessLauncher();

  constructor(private readonly deviceOptions: DeviceSshServerOptions) {
    super(deviceOptions, 'Fleetgate-agent');
  }

  protected async admit(username: string, { assertion, password }: AdmittedLogin): Promise<LocalAccount | null> {
    const account = await findLocalAccount(username).catch(() => null);
    if (!account) return null;
    if (assertion.method === 'password') {
      const hash = await shadowHashOf(account.name).catch(() => null);
      if (!(await verifyShadowPassword(password ?? '', hash))) return null;
    }
    return account;
  }

  protected override terminalRefusal(): string | null {
    const support = (this.deviceOptions.ptySupport ?? ptySupport)();
    return support.available ? null : support.reason;
  }

  protected override supports(request: ProgramRequest): boolean {
    return request.kind !== 'subsystem' || (request.name === 'sftp' && this.sftpServer() !== undefined);
  }

  protected start(channel: ServerChannel, request: ProgramRequest, session: SessionState<LocalAccount>): RunningProgram {
    const account = session.login;
    const command =
      request.kind === 'shell'
        ? [account.shell, '-l']
        : request.kind === 'exec'
          ? [account.shell, '-c', request.command]
          : [this.sftpServer() ?? 'sftp-server'];
    const env = sessionEnvironment(account, session.variables, {
      term: session.terminal?.term,
      deviceName: this.options.deviceName(),
    });
    const launch = { account, command, env };
    return session.terminal ? this.runOnPty(channel, launch, session.terminal) : this.runOnPipes(channel, launch);
  }

  protected override serveOtherChannels(client: Connection): void {
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
  }

  private sftpServer(): string | undefined {
    return this.deviceOptions.sftpServerPath ?? SFTP_SERVER_CANDIDATES.find((path) => existsSync(path));
  }

  private runOnPty(
    channel: ServerChannel,
    request: Parameters<ProcessLauncher['spawnPipes']>[0],
    terminal: { term: string; size: PtySize },
  ): RunningProgram {
    const support = (this.deviceOptions.ptySupport ?? ptySupport)();
    if (!support.available) throw new Error(support.reason);
    const child = this.launcher.spawnPty(support.pty, request, terminal.term, terminal.size);
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
      finishChannel(channel, exitCode, signal ? signalName(signal) : undefined),
    );
    return {
      resize: (size: PtySize) => child.resize(size.cols, size.rows),
      signal: (name: string) => child.kill(`SIG${name}`),
    };
  }

  private runOnPipes(channel: ServerChannel, request: Parameters<ProcessLauncher['spawnPipes']>[0]): RunningProgram {
    const child = this.launcher.spawnPipes(request);
    const { stdin, stdout, stderr } = child;
    if (!stdin || !stdout || !stderr) throw new Error('the program has no standard streams');
    // A program that does not exist is reported here, after spawn returned.
    let failed = false;
    child.on('error', (error) => {
      failed = true;
      this.fail(channel, error);
    });
    channel.pipe(stdin);
    stdin.on('error', () => undefined);
    stdout.pipe(channel, { end: false });
    stderr.pipe(channel.stderr, { end: false });
    channel.on('close', () => child.exitCode === null && child.kill('SIGHUP'));
    child.on('close', (code, signal) => {
      if (!failed) finishChannel(channel, code ?? 0, signal ? signal.replace(/^SIG/, '') : undefined);
    });
    return { signal: (name: string) => child.kill(`SIG${name}` as NodeJS.Signals) };
  }
}

function signalName(signal: number): string | undefined {
  const entry = Object.entries(osConstants.signals).find(([, number]) => number === signal);
  return entry?.[0].replace(/^SIG/, '');
}
