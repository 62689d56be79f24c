import type { Duplex, Writable } from 'node:stream';
import { type AuthContext, type Connection, Server, type ServerChannel, type Session } from 'ssh2';
import { acceptsClientVariable, AssertionGate } from '@fleetgate/agent-ssh-server';
import type { SessionServer } from '@fleetgate/agent-device';
import type { Logger } from '@fleetgate/logging';

/** The part of a Docker exec instance (dockerode's `Exec`) a session uses. */
export interface ExecInstance {
  start(options: { hijack: true; stdin: true; Tty: boolean }): Promise<Duplex>;
  resize(options: { h: number; w: number }): Promise<unknown>;
  inspect(): Promise<{ ExitCode: number | null }>;
}

/** The part of a Docker container (dockerode's `Container`) a session uses. */
export interface ContainerExecutor {
  exec(options: {
    Cmd: string[];
    User: string;
    Env: string[];
    Tty: boolean;
    AttachStdin: true;
    AttachStdout: true;
    AttachStderr: true;
  }): Promise<ExecInstance>;
}

/** Splits Docker's multiplexed stdout/stderr stream of a session without a terminal (docker-modem's demuxStream). */
export type StreamDemultiplexer = (stream: Duplex, stdout: Writable, stderr: Writable) => void;

export interface ContainerSshServerOptions {
  hostKeyPem: string;
  deviceUid: () => string;
  deviceName: () => string;
  assertionKey: () => string | null;
  logger: Logger;
  container: ContainerExecutor;
  demultiplex: StreamDemultiplexer;
}

/** The user's login shell where the image has one; many images have only sh. */
const LOGIN_SHELL = 'if command -v bash >/dev/null 2>&1; then exec bash -l; else exec sh -l; fi';

/**
 * The SSH server of one container in connector mode: the same session assertions as on a host, and each session
 * is a `docker exec` in the container as the requested user. Password logins are refused: the container's
 * /etc/shadow is not read (a person reaches containers with a public key); port forwarding and SFTP are not served.
 */
export class ContainerSshServer implements SessionServer {
  private readonly server: Server;
  private readonly gate: AssertionGate;

  constructor(private readonly options: ContainerSshServerOptions) {
    this.gate = new AssertionGate(options.deviceUid, options.assertionKey);
    this.server = new Server({ hostKeys: [options.hostKeyPem], ident: 'Fleetgate-connector' }, (client) =>
      this.accept(client),
    );
  }

  serve(stream: Duplex): void {
    this.server.injectSocket(stream as never);
  }

  private accept(client: Connection): void {
    let user: string | null = null;
    client.on('error', (error) =>
      this.options.logger.debug({ err: error.message }, 'gateway connection error'),
    );
    client.on('authentication', (context: AuthContext) => {
      user = this.authenticate(context);
      if (user) context.accept();
      else context.reject(['password']);
    });
    client.on('ready', () => {
      if (!user) return client.end();
      const login = user;
      client.on('session', (acceptSession) => this.handleSession(acceptSession(), login));
    });
  }

  private authenticate(context: AuthContext): string | null {
    if (context.method !== 'password') return null;
    const admitted = this.gate.admit(context.username, context.password);
    if (!admitted) return null;
    if (admitted.assertion.method === 'password') {
      this.options.logger.info(
        { event: 'login-refused', user: context.username },
        'containers accept public-key logins only',
      );
      return null;
    }
    this.options.logger.info(
      { event: 'login', user: context.username, session: admitted.assertion.session },
      'session opened',
    );
    return context.username;
  }

  private handleSession(session: Session, user: string): void {
    const variables: Record<string, string> = {};
    let terminal: { term: string; cols: number; rows: number } | null = null;
    let resize: ((cols: number, rows: number) => void) | null = null;

    session.on('pty', (accept, _reject, info) => {
      terminal = { term: info.term || 'xterm', cols: info.cols || 80, rows: info.rows || 24 };
      accept?.();
    });
    session.on('window-change', (accept, _reject, info) => {
      if (terminal) Object.assign(terminal, { cols: info.cols, rows: info.rows });
      resize?.(info.cols, info.rows);
      accept?.();
    });
    session.on('env', (accept, reject, info) => {
      if (!acceptsClientVariable(info.key)) return reject?.();
      variables[info.key] = info.val;
      accept?.();
    });
    session.on('subsystem', (_accept, reject) => reject());

    const run = (channel: ServerChannel, command: string) => {
      const environment = {
        ...variables,
        FLEETGATE_DEVICE: this.options.deviceName(),
        ...(terminal ? { TERM: terminal.term } : {}),
      };
      this.execute(channel, user, ['/bin/sh', '-c', command], environment, terminal)
        .then((resizer) => (resize = resizer))
        .catch((error: unknown) => fail(channel, error, this.options.logger));
    };
    session.on('shell', (accept) => run(accept(), LOGIN_SHELL));
    session.on('exec', (accept, _reject, info) => run(accept(), info.command));
  }

  private async execute(
    channel: ServerChannel,
    user: string,
    command: string[],
    environment: Record<string, string>,
    terminal: { cols: number; rows: number } | null,
  ): Promise<(cols: number, rows: number) => void> {
    const tty = terminal !== null;
    const exec = await this.options.container.exec({
      Cmd: command,
      User: user,
      Env: Object.entries(environment).map(([name, value]) => `${name}=${value}`),
      Tty: tty,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
    });
    const stream = await exec.start({ hijack: true, stdin: true, Tty: tty });
    const resizeTo = (cols: number, rows: number) =>
      void exec.resize({ h: rows, w: cols }).catch(() => undefined);
    if (terminal) resizeTo(terminal.cols, terminal.rows);

    if (tty) stream.pipe(channel, { end: false });
    else this.options.demultiplex(stream, channel, channel.stderr);
    channel.pipe(stream);
    stream.on('error', () => undefined);
    channel.on('close', () => stream.destroy());

    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      void exec
        .inspect()
        .then(({ ExitCode }) => exitWith(channel, ExitCode ?? 0))
        .catch(() => exitWith(channel, 255));
    };
    stream.once('end', finish);
    stream.once('close', finish);
    return resizeTo;
  }
}

function exitWith(channel: ServerChannel, code: number): void {
  channel.exit(code);
  channel.end();
}

function fail(channel: ServerChannel, error: unknown, logger: Logger): void {
  const message = error instanceof Error ? error.message : String(error);
  logger.warn({ err: message }, 'could not start the program in the container');
  channel.stderr.write(`fleetgate-agent: ${message}\r\n`);
  exitWith(channel, 126);
}
