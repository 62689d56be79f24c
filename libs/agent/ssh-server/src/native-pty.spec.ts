import { generateKeyPairSync } from 'node:crypto';
import { createServer, type AddressInfo, type Server as NetServer } from 'node:net';
import { userInfo } from 'node:os';
import { Client } from 'ssh2';
import { createLogger } from '@fleetgate/logging';
import { encodeInnerCredential, signSessionAssertion } from '@fleetgate/tunnel';

// As on an ARM board where node-pty was never compiled: its entry point throws as soon as it is required.
jest.mock('node-pty', () => {
  throw new Error('Failed to load native module: pty.node, checked: build/Release, build/Debug, prebuilds/linux-arm64');
});

import { DeviceSshServer, loadPtySupport, ptySupport } from './index';

const rsaPair = () =>
  generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });

describe('node-pty, loaded only when a terminal is asked for', () => {
  it('lets the agent’s SSH server load and start without a binding', () => {
    // Importing the library above did not throw: nothing requires node-pty before a terminal is requested.
    expect(ptySupport()).toEqual({ available: false, reason: expect.stringContaining('prebuilds/linux-arm64') });
  });

  it('names the cause and the way out when the binding does not load', () => {
    const support = loadPtySupport(() => {
      throw new Error('pty.node: wrong ELF class: ELFCLASS64\nrequire stack: ...');
    });
    expect(support.available).toBe(false);
    if (support.available) return;
    expect(support.reason).toMatch(/^no terminal on this device: node-pty's native binding did not load \(pty\.node: wrong ELF class: ELFCLASS64\)/);
    expect(support.reason).toMatch(/scp, sftp and port forwarding still work/);
    expect(support.reason).toMatch(/fleetgate-agent-build-pty/);
  });

  it('hands over the module when it loads', () => {
    const module = { spawn: jest.fn() };
    expect(loadPtySupport(() => module as never)).toEqual({ available: true, pty: module });
  });
});

describe('DeviceSshServer without node-pty', () => {
  const platform = rsaPair();
  const hostKey = rsaPair();
  const user = userInfo().username;
  let listener: NetServer;
  let port: number;

  beforeAll(async () => {
    const server = new DeviceSshServer({
      hostKeyPem: hostKey.privateKey,
      deviceUid: () => 'device-1',
      deviceName: () => 'pi',
      assertionKey: () => platform.publicKey,
      logger: createLogger({ service: 'agent', level: 'silent' }),
    });
    listener = createServer((socket) => server.serve(socket));
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    port = (listener.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => listener.close(resolve)));

  const connected = () =>
    new Promise<Client>((resolve, reject) => {
      const client = new Client();
      client.on('error', reject).on('ready', () => resolve(client));
      const assertion = signSessionAssertion(platform.privateKey, { device: 'device-1', tenant: 't', user, session: 's-1', method: 'publickey' });
      client.connect({ host: '127.0.0.1', port, username: user, password: encodeInnerCredential(assertion), hostVerifier: () => true });
    });

  it('refuses the terminal request and still runs commands on the same connection', async () => {
    const client = await connected();
    try {
      const refused = await new Promise<Error | undefined>((resolve) => client.exec('tty', { pty: true }, (error, channel) => {
        channel?.close();
        resolve(error);
      }));
      expect(refused?.message).toMatch(/pseudo-terminal/);

      const output = await new Promise<{ code: number; stdout: string }>((resolve, reject) =>
        client.exec('echo still-works', (error, channel) => {
          if (error) return reject(error);
          let stdout = '';
          let code = -1;
          channel.on('data', (data: Buffer) => (stdout += data.toString()));
          channel.on('exit', (exitCode: number) => (code = exitCode));
          channel.on('close', () => resolve({ code, stdout }));
        }),
      );
      expect(output).toEqual({ code: 0, stdout: 'still-works\n' });
    } finally {
      client.end();
    }
  });
});
