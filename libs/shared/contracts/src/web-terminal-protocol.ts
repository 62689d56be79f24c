/**
 * The web terminal's WebSocket protocol (docs/web-terminal.md), shared by the gateway and the browser.
 *
 * Terminal bytes travel as binary frames in both directions; everything else is a text frame holding one JSON
 * object with a `type`. The browser opens `WEB_TERMINAL_PATH?ticket=<ticket>` with a ticket from
 * `POST /api/devices/{uid}/terminal`, sends `start`, answers `challenge`s when it logs in with a key, and gets
 * `ready` once the shell runs. The gateway ends with an `error` or `exit` message, then closes with a code below.
 */
export const WEB_TERMINAL_PATH = '/ws/terminal';
/** How long a terminal ticket may wait for its WebSocket, in seconds. */
export const WEB_TERMINAL_TICKET_SECONDS = 30;
/** Largest frame either side accepts: a paste of this size is still one frame. */
export const WEB_TERMINAL_MAX_FRAME_BYTES = 1 << 20;

export type WebTerminalCredential =
  /** The device checks the password (it never reaches the platform's storage). */
  | { method: 'password'; password: string }
  /** `publicKey` is the key's authorized_keys line; its private half stays in the browser, which signs challenges. */
  | { method: 'publickey'; publicKey: string };

export type WebTerminalClientMessage =
  | { type: 'start'; username: string; cols: number; rows: number; credential: WebTerminalCredential }
  | { type: 'resize'; cols: number; rows: number }
  /** The answer to a `challenge`: the raw signature (base64), without SSH's algorithm framing. */
  | { type: 'signature'; signature: string };

/** Why a web terminal could not open or stopped; `message` is the sentence shown to the person. */
export type WebTerminalErrorCode =
  | 'bad-request'
  | 'not-found'
  | 'device-offline'
  | 'access-denied'
  | 'authentication-failed'
  | 'locked-out'
  | 'unreachable'
  | 'connection-lost'
  | 'timeout'
  | 'internal';

export type WebTerminalServerMessage =
  /** Sign `data` (base64) with the key's private half, with `algorithm` (`ssh-ed25519`, `rsa-sha2-256`, ...). */
  | { type: 'challenge'; data: string; algorithm: string }
  | { type: 'ready'; session: string }
  | { type: 'error'; code: WebTerminalErrorCode; message: string }
  | { type: 'exit'; status: number | null; signal?: string };

/** WebSocket close codes of the endpoint (4000–4999 are the application's). */
export const WebTerminalCloseCode = {
  /** The shell ended. */
  normal: 1000,
  badRequest: 4400,
  /** Refused by an access rule, or the credential was wrong. */
  denied: 4403,
  notFound: 4404,
  timeout: 4408,
  /** The device is offline or cannot be reached. */
  unavailable: 4503,
  internal: 4500,
} as const;

export const MIN_TERMINAL_SIZE = 1;
export const MAX_TERMINAL_COLUMNS = 1000;
export const MAX_TERMINAL_ROWS = 500;
/** Device usernames: what `useradd` accepts, and never `@` (the gateway's SSHID splits there). */
const USERNAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}\$?$/;

export type Decoded<T> = { ok: true; message: T } | { ok: false; error: string };

export function encodeWebTerminalMessage(message: WebTerminalClientMessage | WebTerminalServerMessage): string {
  return JSON.stringify(message);
}

/** Parses a text frame from the browser; `error` names what was wrong, for a clear `bad-request`. */
export function decodeWebTerminalClientMessage(text: string): Decoded<WebTerminalClientMessage> {
  const object = parseObject(text);
  if (!object) return { ok: false, error: 'a text frame must be a JSON object' };
  switch (object['type']) {
    case 'start': {
      const username = object['username'];
      if (typeof username !== 'string' || !USERNAME.test(username)) {
        return { ok: false, error: 'username must be a device user name (letters, digits, "_", ".", "-"; at most 32)' };
      }
      const size = terminalSize(object);
      if (!size.ok) return size;
      const credential = object['credential'];
      if (!isObject(credential)) return { ok: false, error: 'credential is required' };
      if (credential['method'] === 'password') {
        const password = credential['password'];
        if (typeof password !== 'string' || password.length === 0 || password.length > 4096) {
          return { ok: false, error: 'credential.password must be a non-empty string of at most 4096 characters' };
        }
        return { ok: true, message: { type: 'start', username, ...size.message, credential: { method: 'password', password } } };
      }
      if (credential['method'] === 'publickey') {
        const publicKey = credential['publicKey'];
        if (typeof publicKey !== 'string' || publicKey.length === 0 || publicKey.length > 16_384) {
          return { ok: false, error: 'credential.publicKey must be an OpenSSH public key line' };
        }
        return { ok: true, message: { type: 'start', username, ...size.message, credential: { method: 'publickey', publicKey } } };
      }
      return { ok: false, error: 'credential.method must be "password" or "publickey"' };
    }
    case 'resize': {
      const size = terminalSize(object);
      return size.ok ? { ok: true, message: { type: 'resize', ...size.message } } : size;
    }
    case 'signature': {
      const signature = object['signature'];
      if (typeof signature !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) {
        return { ok: false, error: 'signature must be base64' };
      }
      return { ok: true, message: { type: 'signature', signature } };
    }
    default:
      return { ok: false, error: 'type must be "start", "resize" or "signature"' };
  }
}

const errorCodes: readonly WebTerminalErrorCode[] = [
  'bad-request',
  'not-found',
  'device-offline',
  'access-denied',
  'authentication-failed',
  'locked-out',
  'unreachable',
  'connection-lost',
  'timeout',
  'internal',
];

/** Parses a text frame from the gateway. */
export function decodeWebTerminalServerMessage(text: string): Decoded<WebTerminalServerMessage> {
  const object = parseObject(text);
  if (!object) return { ok: false, error: 'a text frame must be a JSON object' };
  switch (object['type']) {
    case 'challenge':
      if (typeof object['data'] !== 'string' || typeof object['algorithm'] !== 'string') {
        return { ok: false, error: 'a challenge carries data and algorithm' };
      }
      return { ok: true, message: { type: 'challenge', data: object['data'], algorithm: object['algorithm'] } };
    case 'ready':
      return { ok: true, message: { type: 'ready', session: typeof object['session'] === 'string' ? object['session'] : '' } };
    case 'error': {
      const code = object['code'];
      const known = errorCodes.find((candidate) => candidate === code) ?? 'internal';
      return { ok: true, message: { type: 'error', code: known, message: typeof object['message'] === 'string' ? object['message'] : 'The terminal failed.' } };
    }
    case 'exit': {
      const status = typeof object['status'] === 'number' ? object['status'] : null;
      const signal = typeof object['signal'] === 'string' ? object['signal'] : undefined;
      return { ok: true, message: signal ? { type: 'exit', status, signal } : { type: 'exit', status } };
    }
    default:
      return { ok: false, error: 'unknown message type' };
  }
}

/** The ticket query parameter of the WebSocket URL. */
export function webTerminalUrl(origin: string, ticket: string): string {
  const url = new URL(WEB_TERMINAL_PATH, origin);
  url.protocol = url.protocol === 'https:' || url.protocol === 'wss:' ? 'wss:' : 'ws:';
  url.searchParams.set('ticket', ticket);
  return url.toString();
}

function terminalSize(object: Record<string, unknown>): Decoded<{ cols: number; rows: number }> {
  const { cols, rows } = object;
  if (!isSize(cols, MAX_TERMINAL_COLUMNS) || !isSize(rows, MAX_TERMINAL_ROWS)) {
    return { ok: false, error: `cols and rows must be whole numbers (cols 1–${MAX_TERMINAL_COLUMNS}, rows 1–${MAX_TERMINAL_ROWS})` };
  }
  return { ok: true, message: { cols, rows } };
}

function isSize(value: unknown, maximum: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= MIN_TERMINAL_SIZE && value <= maximum;
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : null;
  } catch {
    return null;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
