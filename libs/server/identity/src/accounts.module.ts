import { Module } from '@nestjs/common';
import { AccountSeedService } from './account-seed.service';
import { PasswordHashingService } from './password-hashing.service';

/** Users, passwords and memberships, without the platform keys: enough for the seed command. */
@Module({
  providers: [PasswordHashingService, AccountSeedService],
  exports: [PasswordHashingService, AccountSeedService],
})
export class AccountsModule {}
