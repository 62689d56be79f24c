import type { Connection } from 'ssh2';

/** RFC 4253 section 11.1: SSH_DISCONNECT_PROTOCOL_ERROR. */
const PROTOCOL_ERROR = 2;

interface ChannelWindow {
  incoming: { window: number };
}

/** The parts of an ssh2 server connection this module reaches into; ssh2's typings leave them out. */
interface ConnectionInternals {
  _sock?: { end(): void; destroy(): void };
  _chanMgr?: { get(id: number): unknown };
  _protocol?: {
    _handlers?: { CHANNEL_DATA?: (protocol: unknown, recipient: number, data: Buffer) => void };
    disconnect(reason: number): void;
  };
}

/** The channel whose window a CHANNEL_DATA message spends: a session's started channel, or the channel itself. */
function windowOf(entry: unknown): ChannelWindow | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  if ('incoming' in entry) return entry as ChannelWindow;
  return (entry as { _channel?: ChannelWindow })._channel;
}

/**
 * Makes an ssh2 server connection hold its peer to the channel windows it advertised (RFC 4254 section 5.2).
 * ssh2 1.17 drops channel data only when a window is exactly 0: a peer that overshoots it once drives the window
 * negative, and from then on every byte it sends is buffered in the channel, however slowly the other side (a
 * device, a program that does not read) consumes it, without bound. Such a peer is disconnected with a protocol
 * error instead, and `onViolation` hears of it.
 */
export function enforceChannelWindows(connection: Connection, onViolation?: (detail: string) => void): void {
  const internals = connection as unknown as ConnectionInternals;
  const protocol = internals._protocol;
  const handlers = protocol?._handlers;
  const deliver = handlers?.CHANNEL_DATA;
  if (!protocol || !handlers || !deliver || !internals._chanMgr) {
    throw new Error('this ssh2 version keeps its channel data handler elsewhere: review enforceChannelWindows');
  }
  const channels = internals._chanMgr;
  let violated = false;
  handlers.CHANNEL_DATA = (self, recipient, data) => {
    if (violated) return;
    const channel = windowOf(channels.get(recipient));
    if (channel && data.length > Math.max(0, channel.incoming.window)) {
      violated = true;
      onViolation?.(`${data.length} bytes of channel data with ${channel.incoming.window} bytes of window left`);
      protocol.disconnect(PROTOCOL_ERROR);
      internals._sock?.end();
      // A peer that does not read its end would keep the socket (and what is queued on it) open.
      setTimeout(() => internals._sock?.destroy(), 1_000).unref();
      return;
    }
    deliver(self, recipient, data);
  };
}

/** Most variables (`env` requests) one session channel keeps, and most bytes of names and values together. */
export const MAX_CLIENT_VARIABLES = 64;
export const MAX_CLIENT_VARIABLE_BYTES = 64 * 1024;

/**
 * The variables a client sent on a session channel, bounded: every `env` request used to be kept, so a client
 * could grow a process's memory with requests alone. Past the bounds a request is refused, as OpenSSH's sshd
 * ignores variables past its own limit; replacing a variable already kept is always allowed within the byte bound.
 */
export class ClientVariables {
  /** Without a prototype, so that a variable named `__proto__` is only a name. */
  readonly values: Record<string, string> = Object.create(null) as Record<string, string>;
  private count = 0;
  private bytes = 0;

  /** Keeps `name=value` and answers true, or answers false when that would pass a bound. */
  set(name: string, value: string): boolean {
    const previous = this.values[name];
    const bytes = this.bytes - (previous === undefined ? 0 : name.length + previous.length) + name.length + value.length;
    const count = this.count + (previous === undefined ? 1 : 0);
    if (count > MAX_CLIENT_VARIABLES || bytes > MAX_CLIENT_VARIABLE_BYTES) return false;
    this.values[name] = value;
    this.count = count;
    this.bytes = bytes;
    return true;
  }
}
