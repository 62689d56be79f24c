import type { Duplex } from 'node:stream';
import { Client } from 'ssh2';
import { encodeInnerCredential } from '@fleetgate/tunnel';
import { sshBlobOfDeviceKey } from './device-host-key';

export class DeviceRefusedError extends Error {}

/**
 * The gateway's SSH client towards the device's agent, over one tunnel stream. It logs in with the session
 * assertion (and the person's password for password logins) and pins the device's host key to its registered key.
 */
export function connectToDevice(
  stream: Duplex,
  login: { username: string; assertion: string; password?: string; devicePublicKeyPem: string },
): Promise<Client> {
  const expectedHostKey = sshBlobOfDeviceKey(login.devicePublicKeyPem);
  return new Promise((resolve, reject) => {
    const client = new Client();
    client.once('ready', () => resolve(client));
    client.once('error', (error) => {
      stream.destroy();
      reject(
        (error as { level?: string }).level === 'client-authentication'
          ? new DeviceRefusedError('the device refused the login')
          : error,
      );
    });
    client.connect({
      sock: stream as never,
      username: login.username,
      password: encodeInnerCredential(login.assertion, login.password),
      tryKeyboard: false,
      readyTimeout: 20_000,
      keepaliveInterval: 30_000,
      hostVerifier: (key: Buffer) => expectedHostKey !== null && key.equals(expectedHostKey),
    });
  });
}
