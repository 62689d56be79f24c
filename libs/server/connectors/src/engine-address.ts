import { BlockList, isIP } from 'node:net';
import { lookup } from 'node:dns/promises';
import { AppException } from '@fleetgate/errors';

/** Loopback, private, shared, link-local and unspecified ranges: the platform's own network, not a tenant's engine. */
const internalRanges = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const) {
  internalRanges.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const) {
  internalRanges.addSubnet(network, prefix, 'ipv6');
}

export function isInternalAddress(ip: string): boolean {
  const mappedV4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  if (mappedV4) return internalRanges.check(mappedV4, 'ipv4');
  return internalRanges.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4');
}

/**
 * The address to dial for a connector: the name is resolved here and the API connects to the address it checked,
 * so a name that later resolves elsewhere (DNS rebinding) cannot reach the platform's own network.
 */
export async function resolveEngineAddress(address: string, allowInternal: boolean): Promise<string> {
  let addresses: string[];
  try {
    addresses = isIP(address)
      ? [address]
      : (await lookup(address, { all: true })).map((entry) => entry.address);
  } catch {
    throw AppException.upstreamUnavailable(`the connector's address ${address} does not resolve`);
  }
  const usable = allowInternal ? addresses : addresses.filter((candidate) => !isInternalAddress(candidate));
  if (usable.length === 0) {
    throw AppException.validation(
      `the connector's address ${address} is on a loopback, private or link-local network, which this deployment does not allow`,
    );
  }
  return usable[0];
}
