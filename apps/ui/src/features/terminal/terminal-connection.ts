import {
  base64ToBytes,
  bytesToBase64,
  decodeWebTerminalServerMessage,
  encodeWebTerminalMessage,
  type SshKeySigner,
  type WebTerminalClientMessage,
  WebTerminalCloseCode,
  type WebTerminalErrorCode,
  webTerminalUrl,
} from '@fleetgate/contracts';

/** The part of the browser's WebSocket this uses (a fake one stands in for it in tests). */
export interface TerminalSocket {
  binaryType: BinaryType;
  readonly readyState: number;
  send(data: string | ArrayBufferLike | ArrayBufferView): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
}

export type TerminalLogin =
  | { username: string; method: 'password'; password: string }
  | { username: string; method: 'publickey'; signer: SshKeySigner };

export type TerminalStatus =
  | { state: 'connecting' }
  | { state: 'authenticating' }
  | { state: 'open' }
  | { state: 'ended'; message: string }
  | { state: 'failed'; code: WebTerminalErrorCode | 'network'; message: string };

export interface TerminalConnectionOptions {
  /** `POST /api/devices/{uid}/terminal`: a fresh single-use ticket for each connection. */
  requestTicket: () => Promise<{ ticket: string }>;
  /** Where the page is served; the gateway's WebSocket is proxied on the same origin. */
  origin: string;
  openSocket: (url: string) => TerminalSocket;
  onStatus: (status: TerminalStatus) => void;
  onOutput: (bytes: Uint8Array) => void;
}

const OPEN = 1;
const encoder = new TextEncoder();

/**
 * One web terminal connection, without React or xterm: gets a ticket, opens the gateway's WebSocket, logs in
 * (answering key challenges with the signer, in the browser), carries keystrokes, output and resizes, and turns
 * every ending into a status with a sentence for the person (docs/web-terminal.md describes the protocol).
 */
export class TerminalConnection {
  private socket?: TerminalSocket;
  private status: TerminalStatus = { state: 'connecting' };
  private size: { cols: number; rows: number };
  /** The size the gateway last heard of. */
  private announced = { cols: 0, rows: 0 };
  private closedByUs = false;

  constructor(
    private readonly options: TerminalConnectionOptions,
    private readonly login: TerminalLogin,
    size: { cols: number; rows: number },
  ) {
    this.size = size;
  }

  get state(): TerminalStatus['state'] {
    return this.status.state;
  }

  async connect(): Promise<void> {
    this.setStatus({ state: 'connecting' });
    let ticket: string;
    try {
      ({ ticket } = await this.options.requestTicket());
    } catch (error) {
      this.setStatus({ state: 'failed', code: 'network', message: describeTicketError(error) });
      return;
    }
    if (this.closedByUs) return;
    const socket = this.options.openSocket(webTerminalUrl(this.options.origin, ticket));
    this.socket = socket;
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => {
      this.setStatus({ state: 'authenticating' });
      const { username } = this.login;
      const credential =
        this.login.method === 'password'
          ? { method: 'password' as const, password: this.login.password }
          : { method: 'publickey' as const, publicKey: this.login.signer.publicKey };
      this.announced = { ...this.size };
      this.send({ type: 'start', username, ...this.size, credential });
    };
    socket.onmessage = (event) => this.receive(event.data);
    socket.onerror = () => undefined;
    socket.onclose = (event) => this.closed(event.code, event.reason);
  }

  /** Keystrokes and pastes, as the terminal gives them. */
  input(text: string): void {
    if (this.status.state === 'open' && this.socket?.readyState === OPEN) this.socket.send(encoder.encode(text));
  }

  resize(cols: number, rows: number): void {
    this.size = { cols, rows };
    if (this.status.state === 'open') this.announceSize();
  }

  private announceSize(): void {
    const { cols, rows } = this.size;
    if (cols === this.announced.cols && rows === this.announced.rows) return;
    this.announced = { cols, rows };
    this.send({ type: 'resize', cols, rows });
  }

  close(): void {
    this.closedByUs = true;
    this.socket?.close(1000, 'closed by the person');
  }

  private receive(data: unknown): void {
    // Binary frames arrive as ArrayBuffers (binaryType); tested by shape, as a buffer may come from another realm.
    if (typeof data !== 'string') {
      if (typeof (data as ArrayBuffer | undefined)?.byteLength === 'number') this.options.onOutput(new Uint8Array(data as ArrayBuffer));
      return;
    }
    const decoded = decodeWebTerminalServerMessage(data);
    if (!decoded.ok) return;
    const { message } = decoded;
    switch (message.type) {
      case 'challenge':
        void this.answer(message.data, message.algorithm);
        return;
      case 'ready':
        this.setStatus({ state: 'open' });
        // The terminal may have been resized while the login ran.
        this.announceSize();
        return;
      case 'error':
        this.setStatus({ state: 'failed', code: message.code, message: message.message });
        return;
      case 'exit':
        this.setStatus({
          state: 'ended',
          message: message.signal ? `The shell was ended by signal ${message.signal}.` : `The shell exited with status ${message.status ?? 'unknown'}.`,
        });
        return;
    }
  }

  private async answer(data: string, algorithm: string): Promise<void> {
    if (this.login.method !== 'publickey') return;
    try {
      const signature = await this.login.signer.sign(base64ToBytes(data), algorithm);
      this.send({ type: 'signature', signature: bytesToBase64(signature) });
    } catch (error) {
      this.setStatus({ state: 'failed', code: 'authentication-failed', message: error instanceof Error ? error.message : 'The key could not sign.' });
      this.close();
    }
  }

  private closed(code: number, reason: string): void {
    // The gateway said why before closing; that sentence stays.
    if (this.status.state === 'failed' || this.status.state === 'ended') return;
    if (this.closedByUs) return this.setStatus({ state: 'ended', message: 'Disconnected.' });
    if (code === WebTerminalCloseCode.normal) return this.setStatus({ state: 'ended', message: 'The session ended.' });
    this.setStatus({
      state: 'failed',
      code: 'network',
      message: `The connection to the gateway was lost${reason ? ` (${reason})` : ''}.`,
    });
  }

  private send(message: WebTerminalClientMessage): void {
    if (this.socket?.readyState === OPEN) this.socket.send(encodeWebTerminalMessage(message));
  }

  private setStatus(status: TerminalStatus): void {
    this.status = status;
    this.options.onStatus(status);
  }
}

function describeTicketError(error: unknown): string {
  const status = (error as { status?: number }).status;
  if (status === 404) return 'This device does not exist in this namespace.';
  if (status === 401) return 'Your session has ended; sign in again.';
  if (status === 403) return 'Your role in this namespace may not open terminals.';
  return error instanceof Error ? error.message : 'Could not reach the API.';
}
