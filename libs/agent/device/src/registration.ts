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

/** Registers (or re-authenticates) the device with the API: `POST /api/devices/auth`, as ShellHub agents do. */
export async function registerDevice(
  serverAddress: string,
  request: { tenantId: string; publicKeyPem: string; identity: DeviceIdentity; preferredHostname?: string },
): Promise<Registration> {
  const response = await fetch(`${serverAddress}/api/devices/auth`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      info: request.identity.info,
      identity: { mac: request.identity.mac },
      hostname: request.preferredHostname ?? request.identity.hostname,
      public_key: request.publicKeyPem,
      tenant_id: request.tenantId,
    }),
    signal: AbortSignal.timeout(20_000),
  });
  if (!response.ok) {
    const body = await response.text().catch(() => '');
    throw new Error(`registration refused: HTTP ${response.status} ${body.slice(0, 200)}`);
  }
  return (await response.json()) as Registration;
}

export async function fetchServerInfo(serverAddress: string): Promise<ServerInfo> {
  const response = await fetch(`${serverAddress}/info`, { signal: AbortSignal.timeout(20_000) });
  if (!response.ok) throw new Error(`GET /info answered HTTP ${response.status}`);
  return (await response.json()) as ServerInfo;
}
