import { createPrivateKey, sign } from 'node:crypto';
import {
  DEVICE_AUTH_SIGNATURE_HEADER,
  DEVICE_AUTH_TIMESTAMP_HEADER,
  deviceAuthSigningMessage,
  type DeviceAuthSignedFields,
} from '@fleetgate/contracts';
import type { DeviceIdentity } from './device-identity';

export interface Registration {
  uid: string;
  token: string;
  name: string;
  namespace: string;
}

export interface ServerInfo {
  version: string;
  endpoints: { api?: string; ssh?: string; tunnel?: string };
}

/** The `fetch` the agent calls the API with; injectable so many simulated agents can share, count or delay it. */
export type Fetch = typeof fetch;

/** The API answered with an error status; `status` lets the caller tell a refusal (4xx) from an outage. */
export class RegistrationRefusedError extends Error {
  constructor(
    readonly status: number,
    body: string,
  ) {
    super(`registration refused: HTTP ${status} ${body.slice(0, 200)}`);
  }
}

/**
 * Registers (or re-authenticates) the device with the API: `POST /api/devices/auth`, as ShellHub agents do, signed
 * with the device's private key (docs/device-registration.md), which the API requires to register a known device
 * again.
 */
export async function registerDevice(
  serverAddress: string,
  request: {
    tenantId: string;
    publicKeyPem: string;
    privateKeyPem: string;
    identity: DeviceIdentity;
    preferredHostname?: string;
  },
  fetchImplementation: Fetch = fetch,
  now: () => number = Date.now,
): Promise<Registration> {
  const body: DeviceAuthSignedFields = {
    info: request.identity.info,
    identity: { mac: request.identity.mac },
    hostname: request.preferredHostname ?? request.identity.hostname,
    public_key: request.publicKeyPem,
    tenant_id: request.tenantId,
  };
  const timestamp = String(Math.floor(now()));
  const signature = signRegistration(request.privateKeyPem, body, timestamp);
  const response = await fetchImplementation(`${serverAddress}/api/devices/auth`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [DEVICE_AUTH_SIGNATURE_HEADER]: signature,
      [DEVICE_AUTH_TIMESTAMP_HEADER]: timestamp,
    },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });
  if (!response.ok) throw new RegistrationRefusedError(response.status, await response.text().catch(() => ''));
  return (await response.json()) as Registration;
}

/** Signs a registration: base64 of RSA-SHA256 (or Ed25519) over the canonical message both sides build. */
export function signRegistration(privateKeyPem: string, fields: DeviceAuthSignedFields, timestamp: string): string {
  const key = createPrivateKey(privateKeyPem);
  const digest = key.asymmetricKeyType === 'ed25519' ? null : 'sha256';
  return sign(digest, Buffer.from(deviceAuthSigningMessage(fields, timestamp)), key).toString('base64');
}

export async function fetchServerInfo(serverAddress: string, fetchImplementation: Fetch = fetch): Promise<ServerInfo> {
  const response = await fetchImplementation(`${serverAddress}/info`, { signal: AbortSignal.timeout(20_000) });
  if (!response.ok) throw new Error(`GET /info answered HTTP ${response.status}`);
  return (await response.json()) as ServerInfo;
}
