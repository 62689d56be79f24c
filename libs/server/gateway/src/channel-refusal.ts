import type { Connection } from 'ssh2';

/** SSH_OPEN_ADMINISTRATIVELY_PROHIBITED (RFC 4254 section 5.1). */
const ADMINISTRATIVELY_PROHIBITED = 1;

interface ProtocolInternals {
  channelOpenFail(recipient: number, reason: number, description: string): void;
}

/**
 * Refuses a channel open (`ssh -L`, `-W`) as "administratively prohibited", with words OpenSSH prints:
 * "channel 2: open failed: administratively prohibited: Fleetgate: ...". ssh2's `reject()` always answers
 * "connect failed" without a description, so its one call to the protocol is given ours for the duration.
 */
export function refuseChannelOpen(connection: Connection, reject: () => void, message: string): void {
  const protocol = (connection as unknown as { _protocol?: ProtocolInternals })._protocol;
  if (!protocol) return reject();
  const original = protocol.channelOpenFail;
  const ownProperty = Object.prototype.hasOwnProperty.call(protocol, 'channelOpenFail');
  protocol.channelOpenFail = (recipient: number) => original.call(protocol, recipient, ADMINISTRATIVELY_PROHIBITED, message.slice(0, 200));
  try {
    reject();
  } finally {
    if (ownProperty) protocol.channelOpenFail = original;
    else delete (protocol as Partial<ProtocolInternals>).channelOpenFail;
  }
}
