import { Injectable, type OnModuleInit } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { argon2id, hash as argon2Hash, verify as argon2Verify } from 'argon2';

const hashingOptions = { type: argon2id } as const;

@Injectable()
export class PasswordHashingService implements OnModuleInit {
  /** A hash of nothing anyone knows, checked when there is no user, so a wrong username costs what a wrong password does. */
  private decoyHash = '';

  async onModuleInit(): Promise<void> {
    this.decoyHash = await this.hash(randomBytes(32).toString('hex'));
  }

  hash(password: string): Promise<string> {
    return argon2Hash(password, hashingOptions);
  }

  /** Whether the password matches the hash; a missing hash (unknown user) never matches but takes as long. */
  async matches(storedHash: string | null, password: string): Promise<boolean> {
    try {
      const verified = await argon2Verify(storedHash ?? this.decoyHash, password);
      return verified && storedHash !== null;
    } catch {
      // A hash that is not argon2 (a malformed or foreign record) matches nothing.
      return false;
    }
  }
}
