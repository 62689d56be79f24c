import { BlockList, isIP } from 'node:net';
import { lookup } from 'node:dns/promises';
import { AppException } from '@fleetgate/errors';

/** What the API says when an engine cannot be reached, whatever the cause: the cause would make it a port scanner. */
export const ENGINE_UNREACHABLE = 'engine unreachable';

function blockList(v4: ReadonlyArray<readonly [string, number]>, v6: ReadonlyArray<readonly [string, number]>): BlockList {
  const list = new BlockList();
  for (const [network, prefix] of v4) list.addSubnet(network, prefix, 'ipv4');
  for (const [network, prefix] of v6) list.addSubnet(network, prefix, 'ipv6');
  return list;
}

/** Loopback, private, shared, link-local and unspecified ranges: the platform's own network, allowed only by option. */
const internalRanges = blockList(
  [
    ['0.0.0.0', 8],
    ['10.0.0.0', 8],
    ['100.64.0.0', 10],
    ['127.0.0.0', 8],
    ['169.254.0.0', 16],
    ['172.16.0.0', 12],
    ['192.168.0.0', 16],
  ],
  [
    ['::', 128],
    ['::1', 128],
    ['fc00::', 7],
    ['fe80::', 10],
  ],
);

/**
 * Never a tenant's engine, whatever the deployment allows: special-purpose IPv4 (IETF protocol assignments,
 * TEST-NETs, benchmarking, the 6to4 relay, multicast, reserved and broadcast) and, within IPv6's global unicast
 * 2000::/3, the IETF, documentation and 6to4 prefixes (which tunnel to an IPv4 address we did not check).
 */
const specialRanges = blockList(
  [
    ['192.0.0.0', 24],
    ['192.0.2.0', 24],
    ['192.88.99.0', 24],
    ['198.18.0.0', 15],
    ['198.51.100.0', 24],
    ['203.0.113.0', 24],
    ['224.0.0.0', 4],
    ['240.0.0.0', 4],
  ],
  [
    ['2001::', 23],
    ['2001:db8::', 32],
    ['2002::', 16],
    ['3fff::', 20],
  ],
);

const globalUnicastV6 = blockList([], [['2000::', 3]]);

export type AddressClass = 'global' | 'internal' | 'special';

/** The 8 hextets of an IPv6 address (a dotted IPv4 tail becomes the last two). */
function hextets(ip: string): number[] {
  let text = ip.toLowerCase().split('%')[0];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (dotted) {
    const [a, b, c, d] = dotted.split('.').map(Number);
    text = `${text.slice(0, -dotted.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const middle = tail === undefined ? [] : Array(8 - left.length - right.length).fill('0');
  return [...left, ...middle, ...right].map((group) => parseInt(group, 16));
}

/**
 * Where an address points: a globally routable unicast address, the platform's own network, or a special-purpose
 * range. IPv4-mapped IPv6 is judged as the IPv4 address it maps; IPv4-compatible IPv6 (::a.b.c.d, deprecated) and
 * NAT64 (64:ff9b::/96) are special, because both reach an IPv4 address through a path this check cannot see.
 */
export function classifyAddress(ip: string): AddressClass {
  const family = isIP(ip);
  if (family === 4) {
    if (internalRanges.check(ip, 'ipv4')) return 'internal';
    return specialRanges.check(ip, 'ipv4') ? 'special' : 'global';
  }
  if (family !== 6) return 'special';
  const groups = hextets(ip);
  const zeroPrefix = (count: number) => groups.slice(0, count).every((group) => group === 0);
  if (zeroPrefix(5) && groups[5] === 0xffff) {
    return classifyAddress(`${groups[6] >> 8}.${groups[6] & 0xff}.${groups[7] >> 8}.${groups[7] & 0xff}`);
  }
  const canonical = groups.map((group) => group.toString(16)).join(':');
  if (internalRanges.check(canonical, 'ipv6')) return 'internal';
  if (zeroPrefix(6)) return 'special';
  if (!globalUnicastV6.check(canonical, 'ipv6')) return 'special';
  return specialRanges.check(canonical, 'ipv6') ? 'special' : 'global';
}

export function isInternalAddress(ip: string): boolean {
  return classifyAddress(ip) === 'internal';
}

/** Whether the API may dial this address for a connector. */
export function isDialableEngineAddress(ip: string, allowInternal: boolean): boolean {
  const kind = classifyAddress(ip);
  return kind === 'global' || (kind === 'internal' && allowInternal);
}

/**
 * The address to dial for a connector: the name is resolved here and the API connects to the address it checked,
 * so a name that later resolves elsewhere (DNS rebinding) cannot reach the platform's own network. A name that does
 * not resolve is as unreachable as an engine that does not answer, and says no more.
 */
export async function resolveEngineAddress(address: string, allowInternal: boolean): Promise<string> {
  let addresses: string[];
  try {
    addresses = isIP(address)
      ? [address]
      : (await lookup(address, { all: true })).map((entry) => entry.address);
  } catch {
    throw AppException.upstreamUnavailable(ENGINE_UNREACHABLE);
  }
  const usable = addresses.filter((candidate) => isDialableEngineAddress(candidate, allowInternal));
  if (usable.length === 0) {
    throw AppException.validation(
      `the connector's address ${address} is not a globally routable unicast address: loopback, private or link-local networks and special-purpose ranges are refused`,
    );
  }
  return usable[0];
}
