import type { Duplex, Writable } from 'node:stream';
import type { ServerChannel } from 'ssh2';
import {
  type AdmittedLogin,
  finishChannel,
  GatewaySessionServer,
  type GatewaySessionServerOptions,
  type ProgramRequest,
  type PtySize,
  type RunningProgram,
  type SessionState,
} from '@fleetgate/agent-ssh-server';
import type { SessionServer } from '@fleetgate/agent-device';

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

export interface ContainerSshServerOptions extends GatewaySessionServerOptions {
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
export class ContainerSshServer extends GatewaySessionServer<string> implements SessionServer {
  constructor(private readonly containerOptions: ContainerSshServerOptions) {
    super(containerOptions, 'Fleetgate-connector');
  }

  protected async admit(username: string, admitted: AdmittedLogin): Promise<string | null> {
    if (admitted.assertion.method === 'password') {
      this.options.logger.info(
        { event: 'login-refused', user: username },
        'containers accept public-key logins only',
      );
      return null;
    }
    return username;
  }

  protected start(channel: ServerChannel, request: ProgramRequest, session: SessionState<string>): Promise<RunningProgram> {
    const command = request.kind === 'exec' ? request.command : LOGIN_SHELL;
    const environment = {
      ...session.variables,
      FLEETGATE_DEVICE: this.options.deviceName(),
      ...(session.terminal ? { TERM: session.terminal.term } : {}),
    };
    return this.execute(channel, session.login, ['/bin/sh', '-c', command], environment, session.terminal?.size ?? null);
  }

  private async execute(
    channel: ServerChannel,
    user: string,
    command: string[],
    environment: Record<string, string>,
    terminal: PtySize | null,
  ): Promise<RunningProgram> {
    const tty = terminal !== null;
    const exec = await this.containerOptions.container.exec({
      Cmd: command,
      User: user,
      Env: Object.entries(environment).map(([name, value]) => `${name}=${value}`),
      Tty: tty,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
    });
    const stream = await exec.start({ hijack: true, stdin: true, Tty: tty });
    const resizeTo = (size: PtySize) => void exec.resize({ h: size.rows, w: size.cols }).catch(() => undefined);
    if (terminal) resizeTo(terminal);

    if (tty) stream.pipe(channel, { end: false });
    else this.containerOptions.demultiplex(stream, channel, channel.stderr);
    channel.pipe(stream);
    stream.on('error', () => undefined);
    channel.on('close', () => stream.destroy());

    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      void exec
        .inspect()
        .then(({ ExitCode }) => finishChannel(channel, ExitCode ?? 0))
        .catch(() => finishChannel(channel, 255));
    };
    stream.once('end', finish);
    stream.once('close', finish);
    return { resize: resizeTo };
  }
}
