import { type DynamicModule, Module } from '@nestjs/common';
import { AccountsModule, EmailThrottleService } from '@fleetgate/identity';
import { AccountTokensRepository } from './account-tokens.repository';
import { SetupService } from './setup.service';
import { UserAccountsService, USERS_OPTIONS, type UsersOptions } from './user-accounts.service';

/** Accounts people manage themselves, and first-run setup. Needs DataAccessModule, QueueModule and PlatformKeysModule. */
@Module({})
export class UsersModule {
  static forRoot(options: UsersOptions): DynamicModule {
    return {
      module: UsersModule,
      imports: [AccountsModule],
      providers: [
        { provide: USERS_OPTIONS, useValue: options },
        AccountTokensRepository,
        EmailThrottleService,
        UserAccountsService,
        SetupService,
      ],
      exports: [UserAccountsService, SetupService],
    };
  }
}
