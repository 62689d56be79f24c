import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server as NetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Duplex } from 'node:stream';
import { Client } from 'ssh2';
import { createLogger } from '@fleetgate/logging';
import { encodeInnerCredential, signSessionAssertion } from '@fleetgate/tunnel';
import { type ContainerExecutor, ContainerSshServer } from './container-ssh-server';

/** PKCS#1 private key (what ssh2 reads as a host key) and SPKI public key (what verifies assertions). */
const rsaPair = () =>
  generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });

/**
 * A stand-in for the Docker engine's exec API that runs the command in a local `sh` without a terminal and answers
 * its exit code: enough to check the SSH side of a container session (the real engine cannot run here).
 */
let failNextExec: Error | null = null;

function localExecutor(
  calls: Array<{ Cmd: string[]; User: string; Env: string[]; Tty: boolean }>,
): ContainerExecutor {
  return {
    async exec(options) {
      const failure = failNextExec;
      failNextExec = null;
      // What the engine answers when the exec cannot be created (the container stopped, the image has no shell).
      if (failure) throw failure;
      calls.push({ Cmd: options.Cmd, User: options.User, Env: options.Env, Tty: options.Tty });
      const env = Object.fromEntries(options.Env.map((entry) => entry.split(/=(.*)/s).slice(0, 2)));
      const child = spawn(options.Cmd[0], options.Cmd.slice(1), {
        env: { PATH: '/usr/local/bin:/usr/bin:/bin', ...env },
      });
      const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 255)));
      return {
        async start() {
          return Duplex.from({ readable: child.stdout, writable: child.stdin });
        },
        async resize() {
          return undefined;
        },
        async inspect() {
          return { ExitCode: await exited };
        },
      };
    },
  };
}

describe('ContainerSshServer', () => {
  const platform = rsaPair();
  const hostKey = rsaPair();
  const calls: Array<{ Cmd: string[]; User: string; Env: string[]; Tty: boolean }> = [];
  let listener: NetServer;
  let port: number;

  beforeAll(async () => {
    const server = new ContainerSshServer({
      hostKeyPem: hostKey.privateKey,
      deviceUid: () => 'device-1',
      deviceName: () => 'web',
      assertionKey: () => platform.publicKey,
      logger: createLogger({ service: 'agent', level: 'silent' }),
      container: localExecutor(calls),
      // Without a terminal Docker multiplexes stdout and stderr; the stand-in does not, so pass stdout through.
      demultiplex: (stream, stdout) => stream.pipe(stdout, { end: false }),
    });
    listener = createServer((socket) => server.serve(socket));
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    port = (listener.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => listener.close(resolve)));

  const login = (user: string, method: 'publickey' | 'password', device = 'device-1') =>
    encodeInnerCredential(
      signSessionAssertion(platform.privateKey, { device, tenant: 't', user, session: 's-1', method }),
      method === 'password' ? 'secret' : undefined,
    );

  const connect = (username: string, password: string) =>
    new Promise<Client>((resolve, reject) => {
      const client = new Client();
      client.on('ready', () => resolve(client)).on('error', reject);
      client.connect({ host: '127.0.0.1', port, username, password, hostVerifier: () => true });
    });

  it('runs an exec request as `docker exec` of the user in the container, with its exit code', async () => {
    const client = await connect('app', login('app', 'publickey'));
    const { output, code } = await new Promise<{ output: string; code: number }>((resolve, reject) => {
      client.exec('echo "$FLEETGATE_DEVICE says hi"; exit 3', (error, channel) => {
        if (error) return reject(error);
        let output = '';
        let code = -1;
        channel.on('data', (data: Buffer) => (output += data.toString()));
        channel.on('exit', (exitCode: number) => (code = exitCode));
        channel.on('close', () => resolve({ output, code }));
      });
    });
    client.end();
    expect(output).toBe('web says hi\n');
    expect(code).toBe(3);
    expect(calls.at(-1)).toMatchObject({
      User: 'app',
      Tty: false,
      Cmd: ['/bin/sh', '-c', 'echo "$FLEETGATE_DEVICE says hi"; exit 3'],
    });
  });

  const exitStatusOf = (client: Client, command: string) =>
    new Promise<{ stderr: string; code: number }>((resolve, reject) => {
      client.exec(command, (error, channel) => {
        if (error) return reject(error);
        let stderr = '';
        let code = -1;
        channel.on('data', () => undefined);
        channel.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
        channel.on('exit', (exitCode: number) => (code = exitCode));
        channel.on('close', () => resolve({ stderr, code }));
      });
    });

  it('ends a session whose program could not start with the POSIX status: 127 not found, 126 could not run', async () => {
    const client = await connect('app', login('app', 'publickey'));
    failNextExec = new Error('OCI runtime exec failed: exec: "/bin/sh": stat /bin/sh: no such file or directory');
    expect(await exitStatusOf(client, 'true')).toEqual({ code: 127, stderr: expect.stringMatching(/no such file/) });
    failNextExec = new Error('container 1234 is not running');
    expect(await exitStatusOf(client, 'true')).toEqual({ code: 126, stderr: expect.stringMatching(/not running/) });
    client.end();
  });

  it('refuses password logins, assertions for another device and a reused assertion', async () => {
    await expect(connect('app', login('app', 'password'))).rejects.toThrow(/authentication/i);
    await expect(connect('app', login('app', 'publickey', 'device-2'))).rejects.toThrow(/authentication/i);
    const once = login('app', 'publickey');
    (await connect('app', once)).end();
    await expect(connect('app', once)).rejects.toThrow(/authentication/i);
  });
});
