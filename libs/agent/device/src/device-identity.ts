import { readFile } from 'node:fs/promises';
import { arch, hostname, networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import type { DeviceInfo } from '@fleetgate/contracts';

export type { DeviceInfo };

export interface DeviceIdentity {
  mac: string;
  hostname: string;
  info: DeviceInfo;
}

/**
 * The MAC of the primary interface: the first non-internal interface with a real MAC, by name order,
 * so the identity is stable across restarts whatever order the kernel lists interfaces in.
 */
export function primaryMacAddress(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): string {
  const candidates = Object.entries(interfaces)
    .filter(([, addresses]) => addresses?.some((address) => !address.internal && address.mac !== '00:00:00:00:00:00'))
    .sort(([left], [right]) => left.localeCompare(right));
  const [, addresses] = candidates[0] ?? [undefined, []];
  return addresses?.find((address) => !address.internal)?.mac ?? '';
}

/** The registration name rule is ^[a-zA-Z0-9_-]{1,64}$: `pi.local` registers as `pi`. */
export function deviceNameOf(systemHostname: string): string {
  const label = systemHostname.split('.')[0].replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 64);
  return label.length > 0 ? label : 'device';
}

/** Parses /etc/os-release (KEY="value" lines). */
export function parseOsRelease(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match) values[match[1]] = match[2].replace(/^(['"])(.*)\1$/, '$2');
  }
  return values;
}

export async function detectDeviceIdentity(
  agentVersion: string,
  preferred: { hostname?: string; identity?: string } = {},
): Promise<DeviceIdentity> {
  let osRelease: Record<string, string> = {};
  try {
    osRelease = parseOsRelease(await readFile('/etc/os-release', 'utf8'));
  } catch {
    // Some minimal images have no os-release; the device still registers, with an empty distribution.
  }
  return {
    mac: preferred.identity ?? primaryMacAddress(),
    hostname: preferred.hostname ?? deviceNameOf(hostname()),
    info: {
      id: osRelease['ID'] ?? '',
      pretty_name: osRelease['PRETTY_NAME'] ?? '',
      version: agentVersion,
      arch: arch(),
      platform: 'native',
    },
  };
}
