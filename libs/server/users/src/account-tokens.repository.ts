import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { REDIS_CONNECTION, REDIS_KEY_PREFIX } from '@fleetgate/queue';

/** What an e-mailed account token lets its holder do. */
export type AccountTokenPurpose = 'confirm-account' | 'recover-password';

/** An address a user asked for, waiting for the link sent to it. */
export interface PendingAddressChange {
  userId: string;
  field: 'email' | 'recovery_email';
  address: string;
}

/** ShellHub's `recovery_tokens` live one day. */
export const ACCOUNT_TOKEN_TTL_SECONDS = 24 * 3600;

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * E-mailed one-time tokens, in Redis with a TTL (FerretDB has no TTL indexes). Only a token's SHA-256 is stored,
 * so a Redis dump cannot be turned into working links; a token works once, for the user it was issued to.
 */
@Injectable()
export class AccountTokensRepository {
  constructor(
    @Inject(REDIS_CONNECTION) private readonly redis: Redis,
    @Inject(REDIS_KEY_PREFIX) private readonly prefix: string,
  ) {}

  async issue(purpose: AccountTokenPurpose, userId: string): Promise<string> {
    const token = randomBytes(32).toString('hex');
    await this.redis.set(this.key(purpose, token), userId, 'EX', ACCOUNT_TOKEN_TTL_SECONDS);
    return token;
  }

  /** Spends the token when it was issued for `userId` and is still valid; false otherwise (and nothing is spent). */
  async spend(purpose: AccountTokenPurpose, token: string, userId: string): Promise<boolean> {
    const key = this.key(purpose, token);
    // Compare and delete in one step, so two requests with one token cannot both succeed.
    const spent = await this.redis.eval(
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end",
      1,
      key,
      userId,
    );
    return spent === 1;
  }

  /** A pending change of one of the user's addresses, which the token e-mailed to the new address confirms. */
  async issueAddressChange(change: PendingAddressChange): Promise<string> {
    const token = randomBytes(32).toString('hex');
    await this.redis.set(this.addressKey(token), JSON.stringify(change), 'EX', ACCOUNT_TOKEN_TTL_SECONDS);
    return token;
  }

  /** Spends an address-change token, once; null when it is unknown, used or expired. */
  async takeAddressChange(token: string): Promise<PendingAddressChange | null> {
    // Read and delete in one step, so two requests with one token cannot both apply it.
    const stored = await this.redis.eval(
      "local value = redis.call('GET', KEYS[1]); if value then redis.call('DEL', KEYS[1]) end; return value",
      1,
      this.addressKey(token),
    );
    if (typeof stored !== 'string') return null;
    return JSON.parse(stored) as PendingAddressChange;
  }

  private addressKey(token: string): string {
    return `${this.prefix}:account-token:change-address:${digest(token)}`;
  }

  private key(purpose: AccountTokenPurpose, token: string): string {
    return `${this.prefix}:account-token:${purpose}:${digest(token)}`;
  }
}
