import type { SshKeySigner } from '@fleetgate/contracts';
import { TerminalConnection, type TerminalLogin, type TerminalSocket, type TerminalStatus } from './terminal-connection';

/** A WebSocket the test drives: what the page sent, and the gateway's side of the conversation. */
class FakeSocket implements TerminalSocket {
  binaryType: BinaryType = 'blob';
  readyState = 0;
  readonly sent: Array<string | Uint8Array> = [];
  closedWith?: { code?: number; reason?: string };
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;

  constructor(readonly url: string) {}

  send(data: string | ArrayBufferLike | ArrayBufferView): void {
    this.sent.push(typeof data === 'string' ? data : new Uint8Array(data as ArrayBuffer));
  }
  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason };
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  text(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) } as MessageEvent);
  }
  binary(text: string): void {
    this.onmessage?.({ data: new TextEncoder().encode(text).buffer } as MessageEvent);
  }
  gatewayCloses(code: number, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason } as CloseEvent);
  }
  json(): unknown[] {
    return this.sent.filter((item): item is string => typeof item === 'string').map((item) => JSON.parse(item));
  }
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function setUp(login: TerminalLogin, ticket: () => Promise<{ ticket: string }> = async () => ({ ticket: 'T1' })) {
  const sockets: FakeSocket[] = [];
  const statuses: TerminalStatus[] = [];
  const output: string[] = [];
  const connection = new TerminalConnection(
    {
      requestTicket: ticket,
      origin: 'https://fleet.example.com',
      openSocket: (url) => {
        const socket = new FakeSocket(url);
        sockets.push(socket);
        return socket;
      },
      onStatus: (status) => statuses.push(status),
      onOutput: (bytes) => output.push(new TextDecoder().decode(bytes)),
    },
    login,
    { cols: 80, rows: 24 },
  );
  return { connection, sockets, statuses, output };
}

const passwordLogin: TerminalLogin = { username: 'pi', method: 'password', password: 'raspberry' };

describe('TerminalConnection: the web terminal protocol in the browser', () => {
  it('opens the gateway socket with the ticket and logs in with the password and the terminal size', async () => {
    const { connection, sockets, statuses } = setUp(passwordLogin);
    await connection.connect();
    const [socket] = sockets;
    expect(socket.url).toBe('wss://fleet.example.com/ws/terminal?ticket=T1');
    expect(socket.binaryType).toBe('arraybuffer');
    socket.open();
    expect(socket.json()).toEqual([{ type: 'start', username: 'pi', cols: 80, rows: 24, credential: { method: 'password', password: 'raspberry' } }]);
    socket.text({ type: 'ready', session: 's' });
    expect(statuses.map((status) => status.state)).toEqual(['connecting', 'authenticating', 'open']);
  });

  it('carries keystrokes as binary frames, output to the terminal, and resizes once open', async () => {
    const { connection, sockets, output } = setUp(passwordLogin);
    await connection.connect();
    const [socket] = sockets;
    socket.open();
    connection.input('too early');
    connection.resize(100, 30);
    socket.text({ type: 'ready', session: 's' });
    connection.input('ls\r');
    connection.resize(100, 30);
    connection.resize(120, 40);
    socket.binary('hi\r\n');
    expect(socket.sent.filter((item) => item instanceof Uint8Array).map((item) => new TextDecoder().decode(item as Uint8Array))).toEqual(['ls\r']);
    expect(socket.json().slice(1)).toEqual([
      { type: 'resize', cols: 100, rows: 30 },
      { type: 'resize', cols: 120, rows: 40 },
    ]);
    expect(output).toEqual(['hi\r\n']);
  });

  it('answers a challenge with the key’s signature, and never sends the private key', async () => {
    const signer: SshKeySigner = {
      type: 'ssh-ed25519',
      publicKey: 'ssh-ed25519 AAAAPUBLIC',
      sign: vi.fn(async (data: Uint8Array, algorithm: string) => {
        expect(algorithm).toBe('ssh-ed25519');
        return Uint8Array.from([...data].reverse());
      }),
    };
    const { connection, sockets } = setUp({ username: 'pi', method: 'publickey', signer });
    await connection.connect();
    const [socket] = sockets;
    socket.open();
    socket.text({ type: 'challenge', data: btoa('\u0001\u0002\u0003'), algorithm: 'ssh-ed25519' });
    await flush();
    expect(socket.json()).toEqual([
      { type: 'start', username: 'pi', cols: 80, rows: 24, credential: { method: 'publickey', publicKey: 'ssh-ed25519 AAAAPUBLIC' } },
      { type: 'signature', signature: btoa('\u0003\u0002\u0001') },
    ]);
  });

  it('keeps the gateway’s sentence when it refuses, whatever close follows', async () => {
    const { connection, sockets, statuses } = setUp(passwordLogin);
    await connection.connect();
    const [socket] = sockets;
    socket.open();
    socket.text({ type: 'error', code: 'device-offline', message: 'Device acme.pi is offline.' });
    socket.gatewayCloses(4503, 'device-offline');
    expect(statuses.at(-1)).toEqual({ state: 'failed', code: 'device-offline', message: 'Device acme.pi is offline.' });
  });

  it('tells an exit, a lost connection and a refused ticket apart', async () => {
    const ended = setUp(passwordLogin);
    await ended.connection.connect();
    ended.sockets[0].open();
    ended.sockets[0].text({ type: 'ready', session: 's' });
    ended.sockets[0].text({ type: 'exit', status: 0 });
    ended.sockets[0].gatewayCloses(1000, 'the shell ended');
    expect(ended.statuses.at(-1)).toEqual({ state: 'ended', message: 'The shell exited with status 0.' });

    const lost = setUp(passwordLogin);
    await lost.connection.connect();
    lost.sockets[0].open();
    lost.sockets[0].gatewayCloses(1006);
    expect(lost.statuses.at(-1)).toEqual({ state: 'failed', code: 'network', message: 'The connection to the gateway was lost.' });

    const refused = setUp(passwordLogin, async () => {
      throw Object.assign(new Error('device not found'), { status: 404 });
    });
    await refused.connection.connect();
    expect(refused.sockets).toHaveLength(0);
    expect(refused.statuses.at(-1)).toEqual({ state: 'failed', code: 'network', message: 'This device does not exist in this namespace.' });
  });

  it('closes quietly when the person leaves', async () => {
    const { connection, sockets, statuses } = setUp(passwordLogin);
    await connection.connect();
    sockets[0].open();
    connection.close();
    expect(sockets[0].closedWith).toEqual({ code: 1000, reason: 'closed by the person' });
    sockets[0].gatewayCloses(1000);
    expect(statuses.at(-1)).toEqual({ state: 'ended', message: 'Disconnected.' });
  });
});
