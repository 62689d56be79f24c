import type { AddressInfo } from 'node:net';
import { Client, type ClientChannel, type Connection, Server, utils } from 'ssh2';
import { ClientVariables, enforceChannelWindows, MAX_CLIENT_VARIABLE_BYTES, MAX_CLIENT_VARIABLES } from './ssh-hardening';

interface ClientInternals {
  _protocol: {
    _packetRW: { write: { allocStart: number; alloc(length: number): Buffer; finalize(packet: Buffer): Buffer } };
    _cipher: { encrypt(packet: Buffer): void };
  };
}

/** Sends one SSH message as it is, encrypted like any other: what a client that ignores the protocol's rules sends. */
function sendRaw(client: Client, payload: Buffer): void {
  const protocol = (client as unknown as ClientInternals)._protocol;
  const start = protocol._packetRW.write.allocStart;
  const packet = protocol._packetRW.write.alloc(payload.length);
  payload.copy(packet, start);
  protocol._cipher.encrypt(protocol._packetRW.write.finalize(packet));
}

function channelData(recipient: number, data: Buffer): Buffer {
  const header = Buffer.alloc(9);
  header[0] = 94; // SSH_MSG_CHANNEL_DATA
  header.writeUInt32BE(recipient, 1);
  header.writeUInt32BE(data.length, 5);
  return Buffer.concat([header, data]);
}

describe('enforceChannelWindows', () => {
  const hostKey = utils.generateKeyPairSync('ed25519').private;
  let server: Server;
  let port: number;
  const violations: string[] = [];
  const connections: Connection[] = [];

  beforeAll(async () => {
    server = new Server({ hostKeys: [hostKey] }, (connection: Connection) => {
      connections.push(connection);
      enforceChannelWindows(connection, (detail) => violations.push(detail));
      connection.on('error', () => undefined);
      connection.on('authentication', (context) => context.accept());
      connection.on('ready', () =>
        connection.on('session', (accept) =>
          accept().on('exec', (acceptExec) => {
            // A program that reads nothing: the window closes and a well-behaved client waits.
            acceptExec().pause();
          }),
        ),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const connection of connections) (connection as unknown as { _sock: { destroy(): void } })._sock.destroy();
    await closed;
  });

  async function execChannel(): Promise<{ client: Client; channel: ClientChannel; closed: Promise<void> }> {
    const client = new Client();
    client.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve()).once('error', reject);
      client.connect({ host: '127.0.0.1', port, username: 'anyone', password: 'x' });
    });
    const channel = await new Promise<ClientChannel>((resolve, reject) =>
      client.exec('sink', (error, opened) => (error ? reject(error) : resolve(opened))),
    );
    return { client, channel, closed };
  }

  it('disconnects a client that sends more channel data than the window it was given', async () => {
    const { client, channel, closed } = await execChannel();
    const recipient = (channel as unknown as { outgoing: { id: number; window: number } }).outgoing.id;
    const window = (channel as unknown as { outgoing: { window: number } }).outgoing.window;
    const chunk = Buffer.alloc(32 * 1024, 0x61);
    // Twice the window, ignoring it: ssh2 alone would buffer all of it (and any more) in the paused channel.
    for (let sent = 0; sent < window * 2; sent += chunk.length) sendRaw(client, channelData(recipient, chunk));
    await expect(Promise.race([closed.then(() => 'closed'), new Promise((resolve) => setTimeout(() => resolve('open'), 5_000).unref())])).resolves.toBe('closed');
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatch(/window left/);
    client.destroy();
  });

  it('lets a client that keeps to the window send as much as it likes', async () => {
    const before = violations.length;
    const { client, channel, closed } = await execChannel();
    let open = true;
    void closed.then(() => (open = false));
    // ssh2's client waits for window adjustments; the server reads nothing, so this only fills the window.
    channel.write(Buffer.alloc(4 * 1024 * 1024));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(violations.length).toBe(before);
    expect(open).toBe(true);
    client.destroy();
  });
});

describe('ClientVariables', () => {
  it('keeps variables up to its count, then refuses new ones but still replaces kept ones', () => {
    const variables = new ClientVariables();
    for (let index = 0; index < MAX_CLIENT_VARIABLES; index++) expect(variables.set(`V${index}`, 'x')).toBe(true);
    expect(variables.set('ONE_TOO_MANY', 'x')).toBe(false);
    expect(variables.set('V0', 'replaced')).toBe(true);
    expect(Object.keys(variables.values)).toHaveLength(MAX_CLIENT_VARIABLES);
    expect(variables.values['V0']).toBe('replaced');
  });

  it('refuses a variable that would pass the byte bound', () => {
    const variables = new ClientVariables();
    expect(variables.set('BIG', 'x'.repeat(MAX_CLIENT_VARIABLE_BYTES - 10))).toBe(true);
    expect(variables.set('MORE', 'x'.repeat(20))).toBe(false);
    expect(variables.set('BIG', 'small')).toBe(true);
    expect(variables.set('MORE', 'x'.repeat(20))).toBe(true);
  });

  it('takes `__proto__` as a name like any other', () => {
    const variables = new ClientVariables();
    expect(variables.set('__proto__', 'value')).toBe(true);
    expect(Object.keys(variables.values)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['value']).toBeUndefined();
  });
});
