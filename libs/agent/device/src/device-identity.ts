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

/** What Node's build says about a 32-bit ARM target (`process.config.variables`), where it says anything. */
export interface ArmBuild {
  arm_version?: string | number;
  arm_float_abi?: string;
}

/**
 * The architecture as ShellHub's agents and clients name it in `info.arch` (Go's names, with the ARM revision):
 * Node says `x64`, ShellHub `amd64`. On 32-bit ARM the revision comes from Node's own build: Raspberry Pi OS's
 * armhf Node is built for ARMv7 (`armv7`), a Pi Zero's ARMv6 (`armv6`); a hard-float build that does not say which
 * is `armhf`.
 */
export function shellHubArch(nodeArch: string = arch(), armBuild: ArmBuild = nodeBuildVariables()): string {
  switch (nodeArch) {
    case 'x64':
      return 'amd64';
    case 'ia32':
      return 'i386';
    case 'arm64':
      return 'arm64';
    case 'mipsel':
      return 'mipsle';
    case 'arm': {
      const version = Number(armBuild.arm_version);
      if (version === 6 || version === 7) return `armv${version}`;
      if (version === 8) return 'armv7';
      return armBuild.arm_float_abi === 'hard' ? 'armhf' : 'arm';
    }
    default:
      return nodeArch;
  }
}

function nodeBuildVariables(): ArmBuild {
  // @types/node lists only some of the build's variables; the ARM ones are there on ARM builds.
  const variables: Record<string, unknown> = { ...process.config?.variables };
  const version = variables['arm_version'];
  const floatAbi = variables['arm_float_abi'];
  return {
    arm_version: typeof version === 'string' || typeof version === 'number' ? version : undefined,
    arm_float_abi: typeof floatAbi === 'string' ? floatAbi : undefined,
  };
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
      arch: shellHubArch(),
      platform: 'native',
    },
  };
}
