import { Injectable } from '@nestjs/common';
import { SessionsRepository } from '@fleetgate/data-access';

/**
 * Closes the sessions whose gateway stopped keeping them alive (it died, or lost its database): a worker job, since
 * the gateway that should have closed them is the one that is gone. Reads already count such sessions as inactive;
 * this makes the stored record say so too.
 */
@Injectable()
export class SessionExpiryService {
  constructor(private readonly sessions: SessionsRepository) {}

  /** Returns how many sessions it closed. */
  expireStale(expirySeconds: number, now = new Date()): Promise<number> {
    return this.sessions.expireStaleUnscoped(new Date(now.getTime() - expirySeconds * 1000), now);
  }
}
