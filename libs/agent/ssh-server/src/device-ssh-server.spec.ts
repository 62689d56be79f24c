import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server as NetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ssh2';
import { createLogger } from '@fleetgate/logging';
import { encodeInnerCredential, signSessionAssertion } from '@fleetgate/tunnel';
import { DeviceSshServer } from './device-ssh-server';
import { exitStatusOfStartFailure } from './gateway-session-server';

const rsaPair = () =>
  generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });

describe('exitStatusOfStartFailure', () => {
  it('gives the shell’s statuses: 127 for a program that does not exist, 126 for one that cannot run', () => {
    expect(exitStatusOfStartFailure(Object.assign(new Error('spawn x ENOENT'), { code: 'ENOENT' }))).toBe(127);
    expect(exitStatusOfStartFailure(new Error('exec: "bash": executable file not found in $PATH'))).toBe(127);
    expect(exitStatusOfStartFailure(Object.assign(new Error('spawn x EACCES'), { code: 'EACCES' }))).toBe(126);
    expect(exitStatusOfStartFailure(new Error('container is not running'))).toBe(126);
  });
});

/**
 * The host's SSH server on a real socket, logged in to as the user running the test (no identity switch), with an
 * SFTP server path that the test points at a missing or a non-executable file.
 */
describe('DeviceSshServer: a program that cannot start', () => {
  const platform = rsaPair();
  const hostKey = rsaPair();
  const user = userInfo().username;
  let scratch: string;
  let sftpServerPath: string;
  let listener: NetServer;
  let port: number;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'fleetgate-device-ssh-'));
    const server = new DeviceSshServer({
      hostKeyPem: hostKey.privateKey,
      deviceUid: () => 'device-1',
      deviceName: () => 'pi',
      assertionKey: () => platform.publicKey,
      logger: createLogger({ service: 'agent', level: 'silent' }),
      get sftpServerPath() {
        return sftpServerPath;
      },
    });
    listener = createServer((socket) => server.serve(socket));
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    port = (listener.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => listener.close(resolve));
    await rm(scratch, { recursive: true, force: true });
  });

  const sftpExitStatus = () =>
    new Promise<{ code: number; stderr: string }>((resolve, reject) => {
      const client = new Client();
      client.on('error', reject);
      client.on('ready', () =>
        client.subsys('sftp', (error, channel) => {
          if (error) return reject(error);
          let code = -1;
          let stderr = '';
          channel.on('data', () => undefined);
          channel.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
          channel.on('exit', (exitCode: number) => (code = exitCode));
          channel.on('close', () => {
            client.end();
            resolve({ code, stderr });
          });
        }),
      );
      const assertion = signSessionAssertion(platform.privateKey, {
        device: 'device-1',
        tenant: 't',
        user,
        session: 's-1',
        method: 'publickey',
      });
      client.connect({ host: '127.0.0.1', port, username: user, password: encodeInnerCredential(assertion), hostVerifier: () => true });
    });

  it('ends with 127 when the program does not exist', async () => {
    sftpServerPath = join(scratch, 'missing-sftp-server');
    expect(await sftpExitStatus()).toEqual({ code: 127, stderr: expect.stringMatching(/ENOENT/) });
  });

  it('ends with 126 when the program exists but cannot run', async () => {
    sftpServerPath = join(scratch, 'not-executable');
    await writeFile(sftpServerPath, '#!/bin/sh\nexit 0\n', { mode: 0o644 });
    expect(await sftpExitStatus()).toEqual({ code: 126, stderr: expect.stringMatching(/EACCES/) });
  });
});
