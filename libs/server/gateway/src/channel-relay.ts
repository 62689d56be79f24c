import { Transform } from 'node:stream';
import type { Client, ClientChannel, Connection, PseudoTtyInfo, ServerChannel, Session } from 'ssh2';
import { ClientVariables } from '@fleetgate/tunnel';
import type { ChannelRecording, SessionRecorder } from './session-recorder';
import type { AccessVerdict } from './access-decision';
import type { ChannelRequest } from './channel-policy';
import { refuseChannelOpen } from './channel-refusal';

/**
 * Decides each channel request before it reaches the device (the namespace's channel policy), and hears of the
 * refusals and of traffic (for the idle timeout).
 */
export interface ChannelGuard {
  check(request: ChannelRequest): AccessVerdict;
  refused(request: ChannelRequest, reason: string): void;
  active?(): void;
}

const ALLOW_ALL: ChannelGuard = { check: () => ({ allowed: true }), refused: () => undefined };

/** The relay of one connection: tells the person's open channels when the device went away. */
export interface ChannelRelay {
  /** Writes `message` to every open session channel's stderr, ends each with exit status 255, and closes it. */
  interrupt(message: string): void;
}

/**
 * Relays what a person opens on the gateway to the same thing on the device: session channels (pty, env,
 * window-change, signals, shell, exec, subsystems such as sftp) and direct-tcpip (`ssh -L`, `ssh -D`).
 * Streams are piped, so SSH window flow control applies end to end in both directions. Every request is first put
 * to `guard` (the namespace's channel policy); a refused one never reaches the device.
 */
export function relayChannels(
  person: Connection,
  device: Client,
  onChannel: (kind: string, detail?: string) => void,
  /** The session's recorder, when its namespace may record; channels wait for it before they relay. */
  recorder?: Promise<SessionRecorder | null>,
  guard: ChannelGuard = ALLOW_ALL,
): ChannelRelay {
  const open = new Set<ServerChannel>();
  const track = (channel: ServerChannel) => {
    open.add(channel);
    channel.once('close', () => open.delete(channel));
  };
  person.on('session', (accept) => relaySession(accept(), device, onChannel, track, recorder, guard));
  person.on('tcpip', (accept, reject, info) => {
    const request: ChannelRequest = { kind: 'direct-tcpip', host: info.destIP, port: info.destPort };
    const verdict = guard.check(request);
    if (!verdict.allowed) {
      guard.refused(request, verdict.reason);
      return refuseChannelOpen(person, reject, `Fleetgate: ${verdict.reason}`);
    }
    try {
      device.forwardOut(info.srcIP, info.srcPort, info.destIP, info.destPort, (error, deviceChannel) => {
        if (error) return reject();
        onChannel('direct-tcpip', `${info.destIP}:${info.destPort}`);
        join(accept(), deviceChannel, null, guard);
      });
    } catch {
      // The device's connection is already gone.
      reject();
    }
  });
  // Remote forwarding is not relayed to devices; a policy's refusal is still recorded, with its reason.
  person.on('request', (_accept, reject, name, info) => {
    if (name === 'tcpip-forward') {
      const forward = info as { bindAddr: string; bindPort: number };
      const request: ChannelRequest = { kind: 'tcpip-forward', host: forward.bindAddr, port: forward.bindPort };
      const verdict = guard.check(request);
      if (!verdict.allowed) guard.refused(request, verdict.reason);
    }
    reject?.();
  });
  return {
    interrupt(message) {
      for (const channel of open) {
        channel.stderr.write(`\r\n${message}\r\n`);
        channel.exit(255);
        channel.close();
      }
      open.clear();
    },
  };
}

function relaySession(
  session: Session,
  device: Client,
  onChannel: (kind: string, detail?: string) => void,
  track: (channel: ServerChannel) => void,
  recorder: Promise<SessionRecorder | null> | undefined,
  guard: ChannelGuard,
): void {
  let terminal: PseudoTtyInfo | undefined;
  // Refusals of requests that have no channel of their own (agent and X11 forwarding), told on the next one.
  const notices: string[] = [];
  // Agent and X11 forwarding are not relayed to devices: refused either way, and a policy's refusal is told.
  const refuseForwarding = (request: ChannelRequest, reject: (() => void) | undefined) => {
    const verdict = guard.check(request);
    if (!verdict.allowed) {
      guard.refused(request, verdict.reason);
      notices.push(`Fleetgate: ${verdict.reason}`);
    }
    reject?.();
  };
  session.on('auth-agent', (_accept, reject) => refuseForwarding({ kind: 'auth-agent' }, reject));
  session.on('x11', (_accept, reject) => refuseForwarding({ kind: 'x11' }, reject));
  const variables = new ClientVariables();
  const env = variables.values;
  let deviceChannel: ClientChannel | undefined;
  let recording: ChannelRecording | null = null;

  session.on('pty', (accept, _reject, info) => {
    terminal = info;
    accept?.();
  });
  session.on('env', (accept, reject, info) => {
    if (!variables.set(info.key, info.val)) return reject?.();
    accept?.();
  });
  session.on('window-change', (accept, _reject, info) => {
    if (terminal) Object.assign(terminal, info);
    deviceChannel?.setWindow(info.rows, info.cols, info.height, info.width);
    recording?.resize(info.cols, info.rows);
    accept?.();
  });
  session.on('signal', (accept, _reject, info) => {
    deviceChannel?.signal(info.name);
    accept?.();
  });

  const window = () =>
    terminal ? { term: terminal.term, rows: terminal.rows, cols: terminal.cols, height: terminal.height, width: terminal.width, modes: terminal.modes } : false;

  // Accept at once: a client may send EOF right after its request (`ssh host cmd < /dev/null`), and ssh2 refuses a
  // late accept then. The person's input waits in the channel's buffer, under SSH flow control, until the device's
  // channel is open.
  const open = (
    person: ServerChannel,
    request: Extract<ChannelRequest, { kind: 'shell' | 'exec' | 'subsystem' }>,
    detail: string | undefined,
    start: (done: (error: Error | undefined, channel: ClientChannel) => void) => void,
  ) => {
    const kind = request.kind;
    track(person);
    for (const notice of notices.splice(0)) person.stderr.write(`${notice}\r\n`);
    const verdict = guard.check(request);
    if (!verdict.allowed) {
      guard.refused(request, verdict.reason);
      person.stderr.write(`Fleetgate: ${verdict.reason}\r\n`);
      person.exit(1);
      person.end();
      return;
    }
    const opened = (error: Error | undefined, channel: ClientChannel) => {
      if (error) {
        person.stderr.write(`Fleetgate: the device refused the ${kind} request: ${error.message}\r\n`);
        person.exit(1);
        person.end();
        return;
      }
      onChannel(kind, detail);
      deviceChannel = channel;
      if (!recorder) return join(person, channel, null, guard);
      // Nothing reaches the person before the recorder decided, so a recording starts with the first byte. Output
      // waits in the channel meanwhile; its exit status and close are kept and replayed once joined.
      const early: Array<{ event: 'exit' | 'close'; args: unknown[] }> = [];
      const keepExit = (...args: unknown[]) => early.push({ event: 'exit', args });
      const keepClose = (...args: unknown[]) => early.push({ event: 'close', args });
      channel.on('exit', keepExit);
      channel.on('close', keepClose);
      void recorder
        .catch(() => null)
        .then((sessionRecorder) => {
          channel.off('exit', keepExit);
          channel.off('close', keepClose);
          recording = sessionRecorder?.channel(kind, terminal ? { cols: terminal.cols, rows: terminal.rows } : null) ?? null;
          join(person, channel, recording, guard);
          for (const { event, args } of early) channel.emit(event, ...args);
        });
    };
    // ssh2 throws rather than calls back when the device's connection is already gone.
    try {
      start(opened);
    } catch (error) {
      opened(error instanceof Error ? error : new Error(String(error)), undefined as never);
    }
  };

  // A shell's detail is its terminal type, for the session record.
  session.on('shell', (accept) => {
    const person = accept();
    open(person, { kind: 'shell' }, terminal?.term, (done) =>
      device.shell(window(), { env }, withoutTerminalIfRefused(person, done, (retry) => device.shell(false, { env }, retry))),
    );
  });
  session.on('exec', (accept, _reject, info) => {
    const person = accept();
    const pty = window();
    open(person, { kind: 'exec', command: info.command }, info.command, (done) =>
      device.exec(
        info.command,
        { env, ...(pty ? { pty } : {}) },
        withoutTerminalIfRefused(person, done, (retry) => device.exec(info.command, { env }, retry)),
      ),
    );
  });
  session.on('subsystem', (accept, _reject, info) =>
    open(accept() as ServerChannel, { kind: 'subsystem', name: info.name }, info.name, (done) => device.subsys(info.name, done)),
  );
}

/**
 * Passes each chunk on at once, then hands it to `record`; while what `record` returned is pending, the tap takes
 * no more, so the pipe pauses the source and SSH flow control stops the sender. Recording adds no latency to a
 * byte, only a bound on how far the store may fall behind.
 */
function recordingTap(record: (data: Buffer) => Promise<void> | void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      this.push(chunk);
      let pending: Promise<void> | void;
      try {
        pending = record(chunk);
      } catch (error) {
        return done(error as Error);
      }
      if (pending) pending.then(() => done(), done);
      else done();
    },
  });
}

/** ssh2's client error when the device answered a terminal request with a failure. */
const TERMINAL_REFUSED = 'Unable to request a pseudo-terminal';

/**
 * A device may have no terminal to give (an agent whose node-pty binding did not load: an ARM board where it was
 * never compiled). The gateway already accepted the person's terminal request, so it does what sshd does when it
 * cannot allocate one: it says so and runs the program without a terminal.
 */
function withoutTerminalIfRefused(
  person: ServerChannel,
  done: (error: Error | undefined, channel: ClientChannel) => void,
  retryWithoutTerminal: (done: (error: Error | undefined, channel: ClientChannel) => void) => void,
): (error: Error | undefined, channel: ClientChannel) => void {
  return (error, channel) => {
    if (error?.message !== TERMINAL_REFUSED) return done(error, channel);
    person.stderr.write(
      'Fleetgate: the device has no terminal to give (its agent could not load node-pty; running ' +
        '`fleetgate-agent-build-pty` on the device fixes that), so this session runs without one.\r\n',
    );
    try {
      retryWithoutTerminal(done);
    } catch (retryError) {
      done(retryError instanceof Error ? retryError : new Error(String(retryError)), undefined as never);
    }
  };
}

/** Pipes two channels together and carries the exit status and the close across. */
function join(person: ServerChannel, device: ClientChannel, recording: ChannelRecording | null, guard: ChannelGuard): void {
  // Traffic either way keeps the session from its idle timeout.
  if (guard.active) {
    const active = guard.active;
    person.on('data', () => active());
    device.on('data', () => active());
  }
  if (recording) return joinRecorded(person, device, recording);
  person.pipe(device);
  device.pipe(person);
  device.stderr.pipe(person.stderr, { end: false });
  device.on('exit', (code: number | null, signal?: string, coreDumped?: boolean, description?: string) => {
    if (signal) person.exit(signal, Boolean(coreDumped), description ?? '');
    else person.exit(code ?? 0);
  });
  device.on('close', () => person.close());
  person.on('close', () => device.close());
}

/**
 * `join` with the device's output (and the person's input, where the namespace records it) passing through
 * recording taps. The exit status and the close wait until the taps delivered everything, so no output is lost.
 */
function joinRecorded(person: ServerChannel, device: ClientChannel, recording: ChannelRecording): void {
  const output = recordingTap((data) => recording.output(data));
  const errors = recordingTap((data) => recording.output(data));
  const input = recordingTap((data) => recording.input(data));
  for (const tap of [output, errors, input]) tap.on('error', () => person.close());
  person.pipe(input).pipe(device);
  device.pipe(output).pipe(person, { end: false });
  device.stderr.pipe(errors).pipe(person.stderr, { end: false });

  let delivered = false;
  let sendExit: (() => void) | undefined;
  let closeWhenDelivered = false;
  output.once('end', () => {
    delivered = true;
    sendExit?.();
    sendExit = undefined;
    person.end();
    if (closeWhenDelivered) person.close();
  });
  device.on('exit', (code: number | null, signal?: string, coreDumped?: boolean, description?: string) => {
    const send = () => {
      if (signal) person.exit(signal, Boolean(coreDumped), description ?? '');
      else person.exit(code ?? 0);
    };
    if (delivered) send();
    else sendExit = send;
  });
  device.on('close', () => {
    if (delivered) person.close();
    else closeWhenDelivered = true;
  });
  person.on('close', () => device.close());
}
