import type { Connection } from 'ssh2';

interface ProtocolInternals {
  _packetRW: { write: { allocStart: number; alloc(size: number): Buffer; finalize(packet: Buffer): Buffer } };
}

const { sendPacket } = require('ssh2/lib/protocol/utils.js') as { sendPacket(protocol: unknown, packet: Buffer): void };
const USERAUTH_BANNER = 53;

/**
 * Tells the person in plain words why they cannot get in (unknown device, offline, not accepted, denied).
 * ssh2's server only sends a fixed banner before the user name is known; RFC 4252 section 5.4 allows a banner at
 * any time before authentication succeeds, and OpenSSH prints it, so this writes one through ssh2's packet writer.
 */
export function sendAuthBanner(connection: Connection, message: string): void {
  const protocol = (connection as unknown as { _protocol?: ProtocolInternals })._protocol;
  if (!protocol) return;
  const text = message.endsWith('\r\n') ? message : `${message}\r\n`;
  const length = Buffer.byteLength(text);
  const writer = protocol._packetRW.write;
  let offset = writer.allocStart;
  const packet = writer.alloc(1 + 4 + length + 4);
  packet[offset] = USERAUTH_BANNER;
  packet.writeUInt32BE(length, ++offset);
  packet.write(text, (offset += 4), length, 'utf8');
  packet.writeUInt32BE(0, offset + length); // empty language tag
  sendPacket(protocol, writer.finalize(packet));
}
