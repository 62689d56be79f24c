import type { Duplex } from 'node:stream';
import { type AuthContext, type Connection, Server, type ServerChannel, type Session } from 'ssh2';
import type { Logger } from '@fleetgate/logging';
import { ClientVariables, enforceChannelWindows } from '@fleetgate/tunnel';
import { type AdmittedLogin, AssertionGate } from './assertion-gate';
import { acceptsClientVariable } from './session-environment';

export interface PtySize {
  cols: number;
  rows: number;
}

/** What every agent SSH server needs: its host key, who it is, the key that verifies assertions, a logger. */
export interface GatewaySessionServerOptions {
  /** The device key (PEM): the device's identity towards the platform and its SSH host key. */
  hostKeyPem: string;
  deviceUid: () => string;
  deviceName: () => string;
  /** The platform key that signs session assertions, learnt from the gateway's hello. */
  assertionKey: () => string | null;
  logger: Logger;
  /** How long a stream may take to log in before it is closed; the gateway logs in at once. Default 30 s. */
  loginGraceMs?: number;
}

const DEFAULT_LOGIN_GRACE_MS = 30_000;

/** What a session asked to run. */
export type ProgramRequest =
  | { kind: 'shell' }
  | { kind: 'exec'; command: string }
  | { kind: 'subsystem'; name: string };

/** What the session knows when its program starts. */
export interface SessionState<Login> {
  login: Login;
  /** Variables the client sent that the agent lets through (`acceptsClientVariable`). */
  variables: Record<string, string>;
  /** The terminal the client asked for; never one for a subsystem. */
  terminal: { term: string; size: PtySize } | null;
}

/** What a started program lets the session do to it; either may be absent. */
export interface RunningProgram {
  resize?: (size: PtySize) => void;
  signal?: (name: string) => void;
}

/**
 * The exit status of a program that could not be started, in the shell's (POSIX) meaning, on hosts and in
 * containers alike: 127 when the program does not exist (ENOENT on a host; the Docker engine's "executable file not
 * found"), 126 when it exists but could not be run (permission, a failed `docker exec`, anything else).
 */
export function exitStatusOfStartFailure(error: unknown): number {
  const notFound =
    (error as NodeJS.ErrnoException | null)?.code === 'ENOENT' ||
    /executable file not found|no such file or directory/i.test(error instanceof Error ? error.message : String(error));
  return notFound ? 127 : 126;
}

/** Sends the exit status (or the signal that ended the program) and closes the channel. */
export function finishChannel(channel: ServerChannel, code: number, signal?: string): void {
  if (signal) channel.exit(signal, false, '');
  else channel.exit(code);
  channel.end();
}

/**
 * The skeleton of the agent's SSH servers (hosts: `DeviceSshServer`; containers: the connector's
 * `ContainerSshServer`). It never listens on a network port: it serves only streams that arrive through the tunnel,
 * admits only logins that carry a valid session assertion from the platform, keeps the session's terminal,
 * window size, signals and allowed variables, and reports a program that could not start with the same exit status
 * everywhere. Subclasses decide who a login runs as and how a program runs.
 */
export abstract class GatewaySessionServer<Login> {
  private readonly server: Server;
  private readonly gate: AssertionGate;
  private readonly graceTimers = new WeakMap<Duplex, NodeJS.Timeout>();

  protected constructor(
    protected readonly options: GatewaySessionServerOptions,
    ident: string,
  ) {
    this.gate = new AssertionGate(options.deviceUid, options.assertionKey);
    this.server = new Server({ hostKeys: [options.hostKeyPem], ident }, (client) => this.accept(client));
  }

  serve(stream: Duplex): void {
    // A stream that stalls before its login (mid-packet, or never authenticating) must not stay open for ever.
    const grace = setTimeout(() => stream.destroy(), this.options.loginGraceMs ?? DEFAULT_LOGIN_GRACE_MS);
    grace.unref();
    stream.once('close', () => clearTimeout(grace));
    this.graceTimers.set(stream, grace);
    this.server.injectSocket(stream as never);
  }

  /** Who an admitted login runs as, or null to refuse it. */
  protected abstract admit(username: string, admitted: AdmittedLogin): Promise<Login | null>;

  /** Starts the program on the channel; a throw or a rejection is reported as a start failure. */
  protected abstract start(
    channel: ServerChannel,
    request: ProgramRequest,
    session: SessionState<Login>,
  ): RunningProgram | Promise<RunningProgram>;

  /** Whether this server runs such a request at all; refused before a channel is opened. Subsystems: none. */
  protected supports(request: ProgramRequest): boolean {
    return request.kind !== 'subsystem';
  }

  /**
   * Why this server cannot give a session a terminal, or null when it can. A refused terminal request is answered
   * with a failure (OpenSSH then runs the program without a terminal) and the reason is written to the session's
   * standard error when its program starts.
   */
  protected terminalRefusal(): string | null {
    return null;
  }

  /** Other channels an authenticated connection may open (port forwarding on hosts). None by default. */
  protected serveOtherChannels(_client: Connection): void {
    // A server that serves only sessions needs nothing here.
  }

  /** Tells the person why the program did not start, and ends the channel with the POSIX status. */
  protected fail(channel: ServerChannel, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.options.logger.warn({ err: message }, 'could not start the program');
    channel.stderr.write(`fleetgate-agent: ${message}\r\n`);
    finishChannel(channel, exitStatusOfStartFailure(error));
  }

  private accept(client: Connection): void {
    let login: Login | null = null;
    client.on('error', (error) => this.options.logger.debug({ err: error.message }, 'gateway connection error'));
    enforceChannelWindows(client, (detail) => this.options.logger.warn({ event: 'protocol-violation', detail }, 'closed a stream that overran a channel window'));
    const stream = (client as unknown as { _sock?: Duplex })._sock;
    const grace = stream ? this.graceTimers.get(stream) : undefined;
    client.once('ready', () => clearTimeout(grace));
    client.on('authentication', (context) => {
      void this.authenticate(context).then((admitted) => {
        if (admitted === null) return context.reject(['password']);
        login = admitted;
        context.accept();
      });
    });
    client.on('ready', () => {
      if (login === null) return client.end();
      const admitted = login;
      client.on('session', (acceptSession) => this.handleSession(acceptSession(), admitted));
      this.serveOtherChannels(client);
    });
  }

  private async authenticate(context: AuthContext): Promise<Login | null> {
    if (context.method !== 'password') return null;
    const admitted = this.gate.admit(context.username, context.password);
    if (!admitted) return null;
    const login = await this.admit(context.username, admitted).catch(() => null);
    if (login === null) return null;
    this.options.logger.info(
      { event: 'login', user: context.username, session: admitted.assertion.session, method: admitted.assertion.method },
      'session opened',
    );
    return login;
  }

  private handleSession(session: Session, login: Login): void {
    const variables = new ClientVariables();
    const state: SessionState<Login> = { login, variables: variables.values, terminal: null };
    let running: RunningProgram = {};
    let refusedTerminal: string | null = null;

    session.on('pty', (accept, reject, info) => {
      refusedTerminal = this.terminalRefusal();
      if (refusedTerminal !== null) {
        this.options.logger.warn({ event: 'pty-refused', reason: refusedTerminal }, 'terminal request refused');
        return reject?.();
      }
      state.terminal = { term: info.term || 'xterm', size: { cols: info.cols || 80, rows: info.rows || 24 } };
      accept?.();
    });
    session.on('window-change', (accept, _reject, info) => {
      if (state.terminal) state.terminal.size = { cols: info.cols, rows: info.rows };
      running.resize?.({ cols: info.cols, rows: info.rows });
      accept?.();
    });
    session.on('env', (accept, reject, info) => {
      if (!acceptsClientVariable(info.key) || !variables.set(info.key, info.val)) return reject?.();
      accept?.();
    });
    session.on('signal', (accept, _reject, info) => {
      running.signal?.(info.name);
      accept?.();
    });

    const run = (channel: ServerChannel, request: ProgramRequest) => {
      // A subsystem (sftp) speaks a binary protocol: never through a terminal.
      if (request.kind === 'subsystem') state.terminal = null;
      else if (refusedTerminal !== null) channel.stderr.write(`fleetgate-agent: ${refusedTerminal}\r\n`);
      Promise.resolve()
        .then(() => this.start(channel, request, state))
        .then((program) => (running = program))
        .catch((error: unknown) => this.fail(channel, error));
    };
    session.on('shell', (accept) => run(accept(), { kind: 'shell' }));
    session.on('exec', (accept, _reject, info) => run(accept(), { kind: 'exec', command: info.command }));
    session.on('subsystem', (accept, reject, info) => {
      const request: ProgramRequest = { kind: 'subsystem', name: info.name };
      if (!this.supports(request)) return reject();
      run(accept(), request);
    });
  }
}
