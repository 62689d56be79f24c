import { WebSocket } from 'ws';
import {
  base64ToBytes,
  bytesToBase64,
  decodeWebTerminalServerMessage,
  encodeWebTerminalMessage,
  type SshKeySigner,
  type WebTerminalClientMessage,
  type WebTerminalCredential,
  type WebTerminalServerMessage,
} from '@fleetgate/contracts';

/**
 * What a browser does with the web terminal endpoint, in Node: a real WebSocket, the shared protocol codec, and
 * the browser's own key signer (`loadSshKeySigner`) answering challenges.
 */
export class WebTerminalClient {
  output = '';
  readonly messages: WebTerminalServerMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private signer?: SshKeySigner;
  private readonly listeners = new Set<() => void>();

  private constructor(private readonly socket: WebSocket) {
    this.closed = new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    socket.on('message', (data, isBinary) => {
      const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
      if (isBinary) {
        this.output += bytes.toString('utf8');
      } else {
        const decoded = decodeWebTerminalServerMessage(bytes.toString('utf8'));
        if (!decoded.ok) throw new Error(`the gateway sent a bad message: ${decoded.error}`);
        this.messages.push(decoded.message);
        if (decoded.message.type === 'challenge') void this.answer(decoded.message);
      }
      for (const listener of this.listeners) listener();
    });
    socket.on('close', () => {
      for (const listener of this.listeners) listener();
    });
  }

  /** Opens the socket; rejects with the HTTP status when the gateway refuses the upgrade. */
  static open(url: string): Promise<WebTerminalClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { perMessageDeflate: false });
      socket.once('open', () => resolve(new WebTerminalClient(socket)));
      socket.once('unexpected-response', (request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => {
          request.destroy();
          reject(Object.assign(new Error(`upgrade refused: ${response.statusCode} ${body.trim()}`), { status: response.statusCode }));
        });
      });
      socket.on('error', (error) => reject(error));
    });
  }

  start(username: string, credential: WebTerminalCredential | { signer: SshKeySigner }, size = { cols: 80, rows: 24 }): void {
    const wire: WebTerminalCredential =
      'signer' in credential ? { method: 'publickey', publicKey: credential.signer.publicKey } : credential;
    if ('signer' in credential) this.signer = credential.signer;
    this.send({ type: 'start', username, ...size, credential: wire });
  }

  send(message: WebTerminalClientMessage): void {
    this.socket.send(encodeWebTerminalMessage(message));
  }

  type(text: string): void {
    this.socket.send(Buffer.from(text, 'utf8'), { binary: true });
  }

  close(): void {
    this.socket.close(1000, 'done');
  }

  error(): Extract<WebTerminalServerMessage, { type: 'error' }> | undefined {
    return this.messages.find((message): message is Extract<WebTerminalServerMessage, { type: 'error' }> => message.type === 'error');
  }

  /** Resolves once `condition` holds; fails after `timeoutMs` with what arrived so far. */
  until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!condition()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${what}; messages ${JSON.stringify(this.messages)}, output ${JSON.stringify(this.output.slice(-500))}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }

  private async answer(challenge: Extract<WebTerminalServerMessage, { type: 'challenge' }>): Promise<void> {
    if (!this.signer) throw new Error('the gateway asked for a signature, but this terminal logs in with a password');
    const signature = await this.signer.sign(base64ToBytes(challenge.data), challenge.algorithm);
    this.send({ type: 'signature', signature: bytesToBase64(signature) });
  }
}
