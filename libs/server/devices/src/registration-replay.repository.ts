import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { createHash } from 'node:crypto';
import { DEVICE_AUTH_SIGNATURE_WINDOW_SECONDS } from '@fleetgate/contracts';
import { REDIS_CONNECTION, REDIS_KEY_PREFIX } from '@fleetgate/queue';

/**
 * Remembers the signed registrations already used, for as long as their timestamps could still be accepted
 * (the window on either side of now), so a captured request cannot be replayed to mint another token.
 */
@Injectable()
export class RegistrationReplayRepository {
  constructor(
    @Inject(REDIS_CONNECTION) private readonly redis: Redis,
    @Inject(REDIS_KEY_PREFIX) private readonly prefix: string,
  ) {}

  /** Claims a signature; false when it was claimed before. */
  async claim(signature: Buffer): Promise<boolean> {
    const key = `${this.prefix}:device-auth-signature:${createHash('sha256').update(signature).digest('hex')}`;
    const claimed = await this.redis.set(key, '1', 'EX', 2 * DEVICE_AUTH_SIGNATURE_WINDOW_SECONDS, 'NX');
    return claimed === 'OK';
  }
}
