import { Duplex } from 'node:stream';

/** One end of an in-process byte pipe, shaped enough like a `net.Socket` for ssh2's client and server. */
class LoopbackEnd extends Duplex {
  peer!: LoopbackEnd;
  /** The write waiting for the peer's reader to want more (flow control across the pair). */
  private waitingWrite?: (error?: Error | null) => void;

  constructor(
    readonly remoteAddress: string,
    readonly remoteFamily: string,
    readonly remotePort: number,
  ) {
    // Like a TCP socket without half-open support: the end of one direction ends the other.
    super({ allowHalfOpen: false });
  }

  setNoDelay(): this {
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  override _read(): void {
    const resume = this.peer.waitingWrite;
    this.peer.waitingWrite = undefined;
    resume?.();
  }

  /**
   * Delivers on a later tick, as a network would: ssh2 writes a reply and then updates its state in the same call
   * (USERAUTH_SUCCESS, then 'ready'), so a peer that reacted inside the write would find the state not updated yet.
   */
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    process.nextTick(() => {
      if (this.peer.destroyed) return callback();
      if (this.peer.push(chunk)) callback();
      else this.waitingWrite = callback;
    });
  }

  override _final(callback: (error?: Error | null) => void): void {
    process.nextTick(() => {
      if (!this.peer.destroyed) this.peer.push(null);
      callback();
    });
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const waiting = this.waitingWrite;
    this.waitingWrite = undefined;
    waiting?.();
    // A destroyed socket is seen as a closed connection on the other side.
    if (!this.peer.destroyed) this.peer.destroy();
    callback(error);
  }
}

/**
 * A connection to the gateway's own SSH server that never touches the network: `gateway` is handed to the ssh2
 * server (`Server.injectSocket`) and reports `clientAddress` as its peer, so the session's firewall rules, lockout
 * and logs see the person's address; `person` is the side the web terminal's SSH client speaks on.
 */
export function loopbackConnection(clientAddress: string): { person: Duplex; gateway: Duplex } {
  const family = clientAddress.includes(':') ? 'IPv6' : 'IPv4';
  const person = new LoopbackEnd('127.0.0.1', 'IPv4', 0);
  const gateway = new LoopbackEnd(clientAddress, family, 0);
  person.peer = gateway;
  gateway.peer = person;
  return { person, gateway };
}
