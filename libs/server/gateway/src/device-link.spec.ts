import { generateKeyPairSync } from 'node:crypto';
import { connect, createServer, type Server as TcpServer, type Socket } from 'node:net';
import { Server } from 'ssh2';
import { connectToDevice } from './device-link';

/** A minimal device-side SSH server on a loopback socket, accepting any password. */
function deviceServer(hostKeyPem: string): Promise<{ tcp: TcpServer; port: number }> {
  const ssh = new Server({ hostKeys: [hostKeyPem] }, (client) => {
    client.on('error', () => undefined);
    client.on('authentication', (context) => context.accept());
  });
  const tcp = createServer((socket) => ssh.injectSocket(socket));
  return new Promise((resolve) => tcp.listen(0, '127.0.0.1', () => resolve({ tcp, port: (tcp.address() as { port: number }).port })));
}

describe('connectToDevice', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });

  it('keeps handling errors after the login: each is reported, none crashes the gateway (issue 8, item 4)', async () => {
    const { tcp, port } = await deviceServer(privateKey);
    const socket: Socket = connect(port, '127.0.0.1');
    const reported: string[] = [];
    try {
      const client = await connectToDevice(socket, {
        username: 'pi',
        assertion: 'assertion',
        devicePublicKeyPem: publicKey,
        onError: (error) => reported.push(error.message),
      });
      // Errors after `ready` (a broken tunnel, then its socket): with a one-time listener the second one was an
      // unhandled 'error' event, which throws and takes the whole gateway process down.
      expect(() => {
        client.emit('error', new Error('protocol error'));
        client.emit('error', new Error('socket reset'));
      }).not.toThrow();
      expect(reported).toEqual(['protocol error', 'socket reset']);
      client.end();
    } finally {
      socket.destroy();
      tcp.close();
    }
  });

  it('stops logging in and closes the stream when the person leaves first (issue 8, item 5)', async () => {
    const { tcp, port } = await deviceServer(privateKey);
    const socket: Socket = connect(port, '127.0.0.1');
    const left = new AbortController();
    try {
      const login = connectToDevice(socket, { username: 'pi', assertion: 'a', devicePublicKeyPem: publicKey, signal: left.signal });
      left.abort();
      await expect(login).rejects.toThrow(/left before the device answered/);
      expect(socket.destroyed).toBe(true);
    } finally {
      socket.destroy();
      tcp.close();
    }
  });
});
