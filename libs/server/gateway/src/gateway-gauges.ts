import type { Duplex } from 'node:stream';

/**
 * Counts of what this gateway process holds for people, for its `/metrics` route: a session, stream or pickup that
 * outlives the person who caused it is a leak, and these make one visible.
 */
export class GatewayGauges {
  private sessions = 0;
  private pickupsWaiting = 0;
  private streamsOpen = 0;

  sessionOpened(): () => void {
    this.sessions += 1;
    return once(() => (this.sessions -= 1));
  }

  /** A session asked the device for a stream; call the answer when it arrived or was given up. */
  pickupRequested(): () => void {
    this.pickupsWaiting += 1;
    return once(() => (this.pickupsWaiting -= 1));
  }

  /** Counts a tunnel stream until it closes. */
  streamHeld(stream: Duplex): void {
    this.streamsOpen += 1;
    const released = once(() => (this.streamsOpen -= 1));
    stream.once('close', released);
    if (stream.destroyed) released();
  }

  snapshot(): { sessions: number; pickupsWaiting: number; streamsOpen: number } {
    return { sessions: this.sessions, pickupsWaiting: this.pickupsWaiting, streamsOpen: this.streamsOpen };
  }
}

function once(action: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    action();
  };
}
