import { BlockList, isIP, type Socket } from 'node:net';
import { parseNetwork } from './channel-policy';

/**
 * The PROXY protocol (HAProxy's, versions 1 and 2) on the SSH listener: an L4 balancer in front of the gateways
 * prepends the person's real address to the TCP stream, so that address rules, automatic blocks, session records
 * and the audit log see the person rather than the balancer. Only the balancer's addresses
 * (`SSH_PROXY_PROTOCOL_FROM`) are believed; anyone else sending a header is refused, since believing it would let a
 * client choose the address it is judged by. No maintained npm parser was installed, and both formats are small.
 */

const V1_PREFIX = Buffer.from('PROXY ', 'latin1');
const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
/** The specification's bound on a v1 line, CRLF included. */
const V1_MAX_LENGTH = 107;
/** A v2 header's fixed part; the address block and TLVs follow, at most 65535 bytes, but we accept far fewer. */
const V2_FIXED_LENGTH = 16;
const V2_MAX_LENGTH = V2_FIXED_LENGTH + 1024;

export interface ProxiedSource {
  address: string;
  port: number;
}

export type ProxyHeaderParse =
  /** More bytes are needed to decide. */
  | { kind: 'incomplete' }
  /** The bytes are not a PROXY header at all (an SSH identification line, say). */
  | { kind: 'none' }
  | { kind: 'invalid'; reason: string }
  /**
   * A whole header of `length` bytes. `source` is null for v1 `UNKNOWN`, a v2 `LOCAL` command (the balancer's own
   * health check) and address families other than TCP over IPv4 or IPv6: the connection is then the balancer's.
   */
  | { kind: 'header'; version: 1 | 2; length: number; source: ProxiedSource | null };

/** Parses the PROXY header at the start of `data`, the bytes received so far. */
export function parseProxyHeader(data: Buffer): ProxyHeaderParse {
  if (startsLike(data, V2_SIGNATURE)) return data.length < V2_SIGNATURE.length ? { kind: 'incomplete' } : parseV2(data);
  if (startsLike(data, V1_PREFIX)) return data.length < V1_PREFIX.length ? { kind: 'incomplete' } : parseV1(data);
  return { kind: 'none' };
}

/** Whether `data` and `prefix` agree on their common length (an empty buffer agrees with anything). */
function startsLike(data: Buffer, prefix: Buffer): boolean {
  const length = Math.min(data.length, prefix.length);
  return data.subarray(0, length).equals(prefix.subarray(0, length));
}

function parseV1(data: Buffer): ProxyHeaderParse {
  const end = data.indexOf('\r\n', 0, 'latin1');
  if (end < 0) {
    return data.length >= V1_MAX_LENGTH ? { kind: 'invalid', reason: 'PROXY v1 line longer than 107 bytes' } : { kind: 'incomplete' };
  }
  const length = end + 2;
  if (length > V1_MAX_LENGTH) return { kind: 'invalid', reason: 'PROXY v1 line longer than 107 bytes' };
  const fields = data.subarray(0, end).toString('latin1').split(' ');
  if (fields[1] === 'UNKNOWN') return { kind: 'header', version: 1, length, source: null };
  if (fields.length !== 6) return { kind: 'invalid', reason: 'PROXY v1 line does not have six fields' };
  const [, family, sourceAddress, destinationAddress, sourcePort, destinationPort] = fields;
  const version = family === 'TCP4' ? 4 : family === 'TCP6' ? 6 : 0;
  if (version === 0) return { kind: 'invalid', reason: `PROXY v1 protocol "${family.slice(0, 16)}" is not TCP4, TCP6 or UNKNOWN` };
  if (isIP(sourceAddress) !== version || isIP(destinationAddress) !== version) {
    return { kind: 'invalid', reason: `PROXY v1 addresses are not ${family} addresses` };
  }
  if (!isPort(sourcePort) || !isPort(destinationPort)) return { kind: 'invalid', reason: 'PROXY v1 ports are not numbers from 0 to 65535' };
  return { kind: 'header', version: 1, length, source: { address: sourceAddress, port: Number(sourcePort) } };
}

function isPort(value: string): boolean {
  return /^(0|[1-9]\d{0,4})$/.test(value) && Number(value) <= 65535;
}

function parseV2(data: Buffer): ProxyHeaderParse {
  if (data.length < V2_FIXED_LENGTH) return { kind: 'incomplete' };
  const versionAndCommand = data[12];
  if (versionAndCommand >> 4 !== 2) return { kind: 'invalid', reason: `PROXY v2 header has version ${versionAndCommand >> 4}` };
  const command = versionAndCommand & 0x0f;
  if (command > 1) return { kind: 'invalid', reason: `PROXY v2 command ${command} is neither LOCAL nor PROXY` };
  const familyAndTransport = data[13];
  const addressLength = data.readUInt16BE(14);
  const length = V2_FIXED_LENGTH + addressLength;
  if (length > V2_MAX_LENGTH) return { kind: 'invalid', reason: `PROXY v2 header of ${length} bytes is too long` };
  if (data.length < length) return { kind: 'incomplete' };
  // LOCAL: the balancer speaking for itself (health checks); the addresses, if any, are to be ignored.
  if (command === 0) return { kind: 'header', version: 2, length, source: null };
  const block = data.subarray(V2_FIXED_LENGTH, length);
  switch (familyAndTransport) {
    case 0x11: // TCP over IPv4
      if (block.length < 12) return { kind: 'invalid', reason: 'PROXY v2 IPv4 address block is shorter than 12 bytes' };
      return { kind: 'header', version: 2, length, source: { address: Array.from(block.subarray(0, 4)).join('.'), port: block.readUInt16BE(8) } };
    case 0x21: // TCP over IPv6
      if (block.length < 36) return { kind: 'invalid', reason: 'PROXY v2 IPv6 address block is shorter than 36 bytes' };
      return { kind: 'header', version: 2, length, source: { address: ipv6(block.subarray(0, 16)), port: block.readUInt16BE(32) } };
    default:
      // UNSPEC, UDP or UNIX sockets: the specification says to keep the connection and use its own addresses.
      return { kind: 'header', version: 2, length, source: null };
  }
}

function ipv6(bytes: Buffer): string {
  const groups: string[] = [];
  for (let offset = 0; offset < 16; offset += 2) groups.push(bytes.readUInt16BE(offset).toString(16));
  // Node's own spelling (compressed), so that the address compares equal to socket.remoteAddress forms.
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}

/** `::ffff:10.0.0.1` as `10.0.0.1`, the form address rules and blocks are written in. */
export function plainAddress(address: string): string {
  return address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
}

export type ProxyAdmission = { clientAddress: string } | { refusal: string };

/**
 * Decides, per TCP connection, which address the gateway judges it by. A connection from a trusted balancer must
 * start with a PROXY header (as HAProxy's `accept-proxy` requires), read here before any SSH byte; its bytes after
 * the header are put back for ssh2. Other connections are taken as they are, with their own address.
 */
export class ProxyProtocolGate {
  private readonly trusted: BlockList | null;

  constructor(
    trustedNetworks: readonly string[],
    private readonly headerTimeoutMs = 5000,
  ) {
    if (trustedNetworks.length === 0) {
      this.trusted = null;
      return;
    }
    const list = new BlockList();
    for (const entry of trustedNetworks) {
      const network = parseNetwork(entry);
      if (!network) throw new Error(`not a network: ${entry}`);
      list.addSubnet(network.address, network.prefix, network.family);
    }
    this.trusted = list;
  }

  /** Whether any balancer is configured: without one, the listener never reads a header. */
  get enabled(): boolean {
    return this.trusted !== null;
  }

  isTrusted(peerAddress: string): boolean {
    const address = plainAddress(peerAddress);
    const version = isIP(address);
    return this.trusted !== null && version !== 0 && this.trusted.check(address, version === 6 ? 'ipv6' : 'ipv4');
  }

  /** Reads the header of a connection from a trusted balancer, leaving the socket paused on the first SSH byte. */
  readHeader(socket: Socket): Promise<ProxyAdmission> {
    const peer = plainAddress(socket.remoteAddress ?? '');
    return new Promise((resolve) => {
      let received = Buffer.alloc(0);
      const finish = (admission: ProxyAdmission, rest?: Buffer) => {
        clearTimeout(timer);
        socket.off('data', onData);
        socket.off('close', onClose);
        socket.pause();
        if (rest && rest.length > 0) socket.unshift(rest);
        resolve(admission);
      };
      const onData = (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        const parsed = parseProxyHeader(received);
        if (parsed.kind === 'incomplete') return;
        if (parsed.kind === 'none') return finish({ refusal: `the balancer at ${peer} sent no PROXY header` });
        if (parsed.kind === 'invalid') return finish({ refusal: `the balancer at ${peer} sent an invalid PROXY header: ${parsed.reason}` });
        finish({ clientAddress: parsed.source ? plainAddress(parsed.source.address) : peer }, received.subarray(parsed.length));
      };
      const onClose = () => finish({ refusal: `the balancer at ${peer} closed the connection before its PROXY header` });
      const timer = setTimeout(() => finish({ refusal: `the balancer at ${peer} sent no PROXY header within ${this.headerTimeoutMs} ms` }), this.headerTimeoutMs);
      socket.on('data', onData);
      socket.once('close', onClose);
    });
  }

  /**
   * For a connection from an address that is not a balancer: `onHeader` is called, before ssh2 sees the bytes, if
   * its first bytes are a PROXY header. ssh2 is not held back waiting for them, since a client may wait for the
   * server's identification before sending anything.
   */
  watchUntrusted(socket: Socket, onHeader: () => void): void {
    let received = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const parsed = parseProxyHeader(received);
      if (parsed.kind === 'incomplete') return;
      socket.off('data', onData);
      if (parsed.kind !== 'none') onHeader();
    };
    socket.prependListener('data', onData);
  }
}
