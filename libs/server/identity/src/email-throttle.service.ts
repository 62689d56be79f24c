import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS_CONNECTION, REDIS_KEY_PREFIX } from '@fleetgate/queue';

/** E-mails a stranger can trigger for an account (confirmation, recovery, MFA reset), per account per hour. */
export const EMAILS_PER_ACCOUNT_PER_HOUR = 5;
const WINDOW_SECONDS = 3600;

/**
 * Keeps anonymous routes that send e-mail (resend confirmation, recover password, reset MFA) from being used to
 * flood someone's inbox. Over the limit the e-mail is skipped but the answer stays the same, so the limit reveals
 * nothing about which accounts exist.
 */
@Injectable()
export class EmailThrottleService {
  constructor(
    @Inject(REDIS_CONNECTION) private readonly redis: Redis,
    @Inject(REDIS_KEY_PREFIX) private readonly prefix: string,
  ) {}

  /** Counts one e-mail of `purpose` for the user; false when the hour's allowance is used up. */
  async allow(purpose: string, userId: string): Promise<boolean> {
    const key = `${this.prefix}:email-throttle:${purpose}:${userId}`;
    // The window starts with the first e-mail; INCR keeps the expiry SET gave the key.
    const results = await this.redis.multi().set(key, 0, 'EX', WINDOW_SECONDS, 'NX').incr(key).exec();
    const count = Number(results?.[1]?.[1] ?? Number.POSITIVE_INFINITY);
    return count <= EMAILS_PER_ACCOUNT_PER_HOUR;
  }
}
