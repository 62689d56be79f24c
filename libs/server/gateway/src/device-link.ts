import type { Duplex } from 'node:stream';
import { Client } from 'ssh2';
import { encodeInnerCredential } from '@fleetgate/tunnel';
import { sshBlobOfDeviceKey } from './device-host-key';

export class DeviceRefusedError extends Error {}

/** The device presented another host key than the one pinned for it: the gateway refuses to log in. */
export class HostKeyChangedError extends Error {
  constructor(readonly presentedKey: Buffer) {
    super('the device presented a host key that differs from the one pinned for it');
  }
}

/** The person left while the gateway was still logging into the device. */
export class LoginAbandonedError extends Error {}

export interface DeviceLogin {
  username: string;
  assertion: string;
  password?: string;
  devicePublicKeyPem: string;
  /** The host key an owner accepted for the device (base64 SSH blob); without it, the key the device registered. */
  pinnedHostKey?: string;
  /** Aborted when the person leaves: the login stops and the stream is closed. */
  signal?: AbortSignal;
  /** Errors after the login succeeded (the tunnel broke, a protocol error): the connection closes after each. */
  onError?: (error: Error) => void;
}

/**
 * The gateway's SSH client towards the device's agent, over one tunnel stream. It logs in with the session
 * assertion (and the person's password for password logins) and pins the device's host key to its registered key.
 */
export function connectToDevice(stream: Duplex, login: DeviceLogin): Promise<Client> {
  const expectedHostKey = login.pinnedHostKey ? Buffer.from(login.pinnedHostKey, 'base64') : sshBlobOfDeviceKey(login.devicePublicKeyPem);
  let changedHostKey: Buffer | undefined;
  return new Promise((resolve, reject) => {
    const client = new Client();
    let settled = false;
    const abandon = () => {
      if (settled) return;
      settled = true;
      client.end();
      stream.destroy();
      reject(new LoginAbandonedError('the person left before the device answered'));
    };
    if (login.signal?.aborted) return abandon();
    login.signal?.addEventListener('abort', abandon, { once: true });

    client.once('ready', () => {
      login.signal?.removeEventListener('abort', abandon);
      if (settled) return client.end();
      settled = true;
      resolve(client);
    });
    // Permanent: a client emits errors after `ready` too (a broken tunnel, a bad packet), and an 'error' event
    // without a listener would crash the whole gateway.
    client.on('error', (error) => {
      if (settled) {
        login.onError?.(error);
        stream.destroy();
        return;
      }
      settled = true;
      login.signal?.removeEventListener('abort', abandon);
      stream.destroy();
      if (changedHostKey) return reject(new HostKeyChangedError(changedHostKey));
      reject(
        (error as { level?: string }).level === 'client-authentication'
          ? new DeviceRefusedError('the device refused the login')
          : error,
      );
    });
    // The tunnel stream ended (the agent went away): ssh2 only reports 'end' and would wait for its keepalives to
    // fail; closing the stream turns it into a 'close' at once.
    client.once('end', () => stream.destroy());
    client.once('close', () => {
      if (settled) return;
      settled = true;
      login.signal?.removeEventListener('abort', abandon);
      reject(changedHostKey ? new HostKeyChangedError(changedHostKey) : new Error('the device closed the connection during the login'));
    });
    client.connect({
      sock: stream as never,
      username: login.username,
      password: encodeInnerCredential(login.assertion, login.password),
      tryKeyboard: false,
      readyTimeout: 20_000,
      keepaliveInterval: 30_000,
      hostVerifier: (key: Buffer) => {
        if (expectedHostKey !== null && key.equals(expectedHostKey)) return true;
        changedHostKey = Buffer.from(key);
        return false;
      },
    });
  });
}
