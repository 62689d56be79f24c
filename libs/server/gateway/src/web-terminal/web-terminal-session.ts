import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { BaseAgent, Client, type ClientChannel, type IdentityCallback, type ParsedKey, type SignCallback, type SigningRequestOptions, utils } from 'ssh2';
import type { RawData, WebSocket } from 'ws';
import {
  decodeWebTerminalClientMessage,
  encodeWebTerminalMessage,
  type WebTerminalClientMessage,
  WebTerminalCloseCode,
  type WebTerminalServerMessage,
} from '@fleetgate/contracts';
import { type TenantScope, tenantScope } from '@fleetgate/data-access';
import type { Logger } from '@fleetgate/logging';
import type { TerminalTicket } from '@fleetgate/queue';
import { closeCodeOf, refusalFromBanner, type TerminalRefusal } from './refusal';

/** The gateway's own SSH server, reached in process as a person at `clientAddress` would reach it over TCP. */
export interface GatewayEntrance {
  connect(clientAddress: string): Duplex;
}

/** The names of a device of the tenant, for the SSHID; null when the tenant has no such device. */
export interface TerminalTargetDirectory {
  find(scope: TenantScope, uid: string): Promise<{ namespace: string; device: string } | null>;
}

export interface WebTerminalTimings {
  /** How long the browser has to send `start` after the upgrade. */
  startMs: number;
  /** How long the browser has to answer a signature challenge. */
  signatureMs: number;
  /** How long the gateway's SSH server has to let the person in (it reaches the device meanwhile). */
  loginMs: number;
  /** Pings keep proxies from closing an idle terminal; a browser that misses two is gone. */
  pingMs: number;
}

export interface WebTerminalDependencies {
  targets: TerminalTargetDirectory;
  gateway: GatewayEntrance;
  logger: Logger;
  timings: WebTerminalTimings;
}

type Start = Extract<WebTerminalClientMessage, { type: 'start' }>;
type Phase = 'awaiting-start' | 'logging-in' | 'open' | 'closed';

/** Output the browser has not taken yet before the shell is paused (SSH flow control then holds the device). */
const OUTPUT_HIGH_WATER = 1 << 20;
const OUTPUT_LOW_WATER = 1 << 18;
/** Keystrokes typed before the shell opened are kept up to this much. */
const EARLY_INPUT_LIMIT = 64 * 1024;

/**
 * One browser terminal: a WebSocket on one side, and on the other an SSH connection to the gateway's own SSH server
 * (in process, with the person's address), so the login goes through the same `GatewaySession` as `ssh` does:
 * target resolution, device state, firewall, keys, password lockout, relay, and whatever a session records.
 * A key login's challenge is signed by the browser; the private key never reaches the gateway.
 */
export class WebTerminalSession {
  readonly id = randomBytes(16).toString('hex');
  private phase: Phase = 'awaiting-start';
  private client?: Client;
  private channel?: ClientChannel;
  private readonly banners: string[] = [];
  private pendingSignature?: { resolve: (signature: Buffer) => void; reject: (error: Error) => void; timer: NodeJS.Timeout };
  private earlyInput: Buffer[] = [];
  private earlyInputBytes = 0;
  private size = { cols: 80, rows: 24 };
  private outputPaused = false;
  private missedPongs = 0;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly logger: Logger;

  constructor(
    private readonly socket: WebSocket,
    private readonly ticket: TerminalTicket,
    private readonly dependencies: WebTerminalDependencies,
  ) {
    this.logger = dependencies.logger.child({
      webTerminal: this.id,
      device: ticket.deviceUid,
      tenant: ticket.tenantId,
      user: ticket.userId,
      client: ticket.clientAddress,
    });
  }

  run(): void {
    const { timings } = this.dependencies;
    this.timers.push(
      setTimeout(() => {
        if (this.phase === 'awaiting-start') this.fail({ code: 'timeout', message: 'No start message arrived in time.' });
      }, timings.startMs),
    );
    const pinger = setInterval(() => {
      if (this.missedPongs >= 2) {
        this.logger.info({ event: 'web-terminal-silent' }, 'the browser stopped answering pings');
        this.socket.terminate();
        return;
      }
      this.missedPongs += 1;
      this.socket.ping();
    }, timings.pingMs);
    this.timers.push(pinger);
    this.socket.on('pong', () => (this.missedPongs = 0));
    this.socket.on('message', (data, isBinary) => this.receive(data, isBinary));
    this.socket.on('error', (error) => this.logger.debug({ err: error.message }, 'web terminal socket error'));
    this.socket.on('close', () => this.closed());
    this.logger.info({ event: 'web-terminal-connected' }, 'web terminal connected');
  }

  private receive(data: RawData, isBinary: boolean): void {
    const bytes = toBuffer(data);
    if (isBinary) return this.input(bytes);
    const decoded = decodeWebTerminalClientMessage(bytes.toString('utf8'));
    if (!decoded.ok) return this.fail({ code: 'bad-request', message: `Bad message: ${decoded.error}.` });
    const { message } = decoded;
    switch (message.type) {
      case 'start':
        if (this.phase !== 'awaiting-start') return this.fail({ code: 'bad-request', message: 'Bad message: start was already sent.' });
        this.phase = 'logging-in';
        void this.start(message).catch((error: unknown) => {
          this.logger.error({ err: error }, 'web terminal failed unexpectedly');
          this.fail({ code: 'internal', message: 'The terminal failed unexpectedly; try again.' });
        });
        return;
      case 'resize':
        this.size = { cols: message.cols, rows: message.rows };
        this.channel?.setWindow(message.rows, message.cols, 0, 0);
        return;
      case 'signature': {
        const pending = this.pendingSignature;
        if (!pending) return this.fail({ code: 'bad-request', message: 'Bad message: no signature was asked for.' });
        this.pendingSignature = undefined;
        clearTimeout(pending.timer);
        pending.resolve(Buffer.from(message.signature, 'base64'));
        return;
      }
    }
  }

  private input(bytes: Buffer): void {
    if (this.phase === 'open' && this.channel) {
      // Keystrokes beyond what the SSH window takes wait in the WebSocket, not in memory.
      if (!this.channel.write(bytes)) {
        this.socket.pause();
        this.channel.once('drain', () => this.socket.resume());
      }
      return;
    }
    if (this.phase !== 'logging-in') return this.fail({ code: 'bad-request', message: 'Bad message: send start before any input.' });
    if (this.earlyInputBytes + bytes.length > EARLY_INPUT_LIMIT) return;
    this.earlyInput.push(bytes);
    this.earlyInputBytes += bytes.length;
  }

  private async start(start: Start): Promise<void> {
    this.size = { cols: start.cols, rows: start.rows };
    const target = await this.dependencies.targets.find(tenantScope(this.ticket.tenantId), this.ticket.deviceUid);
    if (this.phase === 'closed') return;
    if (!target) return this.fail({ code: 'not-found', message: `There is no device ${this.ticket.deviceUid} in this namespace.` });

    let agent: BrowserKeyAgent | undefined;
    if (start.credential.method === 'publickey') {
      const parsed = utils.parseKey(start.credential.publicKey);
      if (parsed instanceof Error || (parsed.type !== 'ssh-ed25519' && parsed.type !== 'ssh-rsa')) {
        return this.fail({ code: 'bad-request', message: 'Bad message: credential.publicKey must be an Ed25519 or RSA public key line.' });
      }
      agent = new BrowserKeyAgent(parsed, (data, algorithm) => this.askSignature(data, algorithm));
    }

    const login = `${start.username}@${target.namespace}.${target.device}`;
    this.logger.info({ event: 'web-terminal-login', sshid: login, method: start.credential.method }, 'web terminal logging in');
    const client = new Client();
    this.client = client;
    client.on('banner', (message: string) => this.banners.push(message));
    client.once('ready', () => this.openShell(client));
    client.on('error', (error: Error & { level?: string }) => this.loginFailed(error, start));
    client.once('close', () => {
      if (this.phase === 'logging-in') this.fail(this.refusal() ?? { code: 'unreachable', message: 'The gateway closed the connection.' });
    });
    client.connect({
      sock: this.dependencies.gateway.connect(this.ticket.clientAddress) as never,
      username: login,
      ...(start.credential.method === 'password' ? { password: start.credential.password } : { agent }),
      tryKeyboard: false,
      readyTimeout: this.dependencies.timings.loginMs,
      // The gateway's own SSH server, in process: there is no network between the two to verify a host key over.
      hostVerifier: () => true,
    });
  }

  private askSignature(data: Buffer, algorithm: string): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      if (this.phase !== 'logging-in') return reject(new Error('the terminal closed'));
      const timer = setTimeout(() => {
        this.pendingSignature = undefined;
        reject(new Error('the browser did not sign in time'));
      }, this.dependencies.timings.signatureMs);
      this.pendingSignature = { resolve, reject, timer };
      this.send({ type: 'challenge', data: data.toString('base64'), algorithm });
    });
  }

  /** The banner the gateway sent last, as a refusal; null when it said nothing. */
  private refusal(): TerminalRefusal | null {
    const last = this.banners.at(-1);
    return last ? refusalFromBanner(last) : null;
  }

  private loginFailed(error: Error & { level?: string }, start: Start): void {
    if (this.phase !== 'logging-in') {
      this.logger.debug({ err: error.message }, 'gateway connection error after login');
      return;
    }
    if (error.level === 'client-timeout') {
      return this.fail({ code: 'timeout', message: 'The device did not answer in time.' });
    }
    const refusal = this.refusal();
    if (refusal) return this.fail(refusal);
    if (error.level === 'client-authentication' || error.level === 'agent') {
      return this.fail({
        code: 'authentication-failed',
        message:
          start.credential.method === 'password'
            ? `The device refused the password of ${start.username}.`
            : `The key was refused for ${start.username}.`,
      });
    }
    this.logger.warn({ err: error.message, level: error.level }, 'web terminal login failed');
    this.fail({ code: 'unreachable', message: 'The connection to the gateway failed; try again.' });
  }

  private openShell(client: Client): void {
    if (this.phase !== 'logging-in') return void client.end();
    const { cols, rows } = this.size;
    client.shell({ term: 'xterm-256color', cols, rows, height: 0, width: 0 }, (error, channel) => {
      if (error) return this.fail({ code: 'access-denied', message: `The device refused to open a shell: ${error.message}.` });
      if (this.phase !== 'logging-in') return void channel.close();
      this.phase = 'open';
      this.channel = channel;
      this.logger.info({ event: 'web-terminal-open' }, 'web terminal shell opened');
      this.send({ type: 'ready', session: this.id });
      for (const chunk of this.earlyInput) channel.write(chunk);
      this.earlyInput = [];
      // The person may have resized while the shell was opening.
      if (this.size.cols !== cols || this.size.rows !== rows) channel.setWindow(this.size.rows, this.size.cols, 0, 0);

      let exit: { status: number | null; signal?: string } = { status: null };
      channel.on('exit', (code: number | null, signal?: string) => {
        exit = signal ? { status: null, signal } : { status: code ?? null };
      });
      channel.on('data', (chunk: Buffer) => this.output(channel, chunk));
      channel.stderr.on('data', (chunk: Buffer) => this.output(channel, chunk));
      channel.on('close', () => {
        if (this.phase !== 'open') return;
        this.send({ type: 'exit', ...exit });
        this.close(WebTerminalCloseCode.normal, 'the shell ended');
      });
    });
  }

  private output(channel: ClientChannel, chunk: Buffer): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    this.socket.send(chunk, { binary: true }, () => {
      if (this.outputPaused && this.socket.bufferedAmount < OUTPUT_LOW_WATER) {
        this.outputPaused = false;
        channel.resume();
        channel.stderr.resume();
      }
    });
    if (!this.outputPaused && this.socket.bufferedAmount > OUTPUT_HIGH_WATER) {
      this.outputPaused = true;
      channel.pause();
      channel.stderr.pause();
    }
  }

  private send(message: WebTerminalServerMessage): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(encodeWebTerminalMessage(message));
  }

  /** Tells the browser why, then closes with the matching code. */
  private fail(refusal: TerminalRefusal): void {
    if (this.phase === 'closed') return;
    this.logger.info({ event: 'web-terminal-refused', code: refusal.code, reason: refusal.message }, 'web terminal refused');
    this.send({ type: 'error', ...refusal });
    this.close(closeCodeOf(refusal.code), refusal.code);
  }

  private close(code: number, reason: string): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.release();
    this.socket.close(code, reason);
    // A browser that does not finish the closing handshake does not keep the socket.
    setTimeout(() => this.socket.terminate(), 5_000).unref();
  }

  private closed(): void {
    if (this.phase !== 'closed') this.logger.info({ event: 'web-terminal-left' }, 'the browser closed the terminal');
    this.phase = 'closed';
    this.release();
  }

  /** Ends whatever the terminal opened: the shell, the SSH connection (and with it the device's), the timers. */
  private release(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.length = 0;
    const pending = this.pendingSignature;
    this.pendingSignature = undefined;
    if (pending) {
      clearTimeout(pending.timer);
      pending.reject(new Error('the terminal closed'));
    }
    this.channel?.close();
    this.client?.end();
  }

  /** For `WebTerminalEndpoint.stop`: the gateway is going away. */
  shutDown(): void {
    this.fail({ code: 'unreachable', message: 'The gateway is restarting; reconnect in a moment.' });
  }
}

/**
 * An ssh2 agent whose one key lives in the browser: ssh2 asks it to sign the user-authentication data, and it asks
 * the browser. The algorithm follows the hash ssh2 negotiated for RSA keys.
 */
class BrowserKeyAgent extends BaseAgent<ParsedKey> {
  constructor(
    private readonly key: ParsedKey,
    private readonly askBrowser: (data: Buffer, algorithm: string) => Promise<Buffer>,
  ) {
    super();
  }

  getIdentities(callback: IdentityCallback<ParsedKey>): void {
    callback(null, [this.key]);
  }

  sign(_key: ParsedKey, data: Buffer, options: SigningRequestOptions | SignCallback, callback?: SignCallback): void {
    const done = typeof options === 'function' ? options : callback;
    const hash = typeof options === 'object' ? options.hash : undefined;
    const algorithm =
      this.key.type === 'ssh-rsa' ? (hash === 'sha512' ? 'rsa-sha2-512' : hash === 'sha256' ? 'rsa-sha2-256' : 'ssh-rsa') : this.key.type;
    this.askBrowser(data, algorithm).then(
      (signature) => done?.(null, signature),
      (error: Error) => done?.(error),
    );
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
