import { Global, Module } from '@nestjs/common';
import { AccountsModule } from './accounts.module';
import { LoginService } from './login.service';
import { MemberAuthenticationService } from './member-authentication.service';
import { MemberGuard, UserGuard } from './member.guard';
import { MfaStateRepository } from './mfa-state.repository';
import { MfaService } from './mfa.service';
import { EmailThrottleService } from './email-throttle.service';

/**
 * Login and the member guard. Global, so that any feature module's controllers can use `@Authenticated()`.
 * Needs `PlatformKeysModule` and `DataAccessModule` in the application.
 */
@Global()
@Module({
  imports: [AccountsModule],
  providers: [
    LoginService,
    MemberAuthenticationService,
    MemberGuard,
    UserGuard,
    MfaStateRepository,
    MfaService,
    EmailThrottleService,
  ],
  exports: [
    AccountsModule,
    LoginService,
    MemberAuthenticationService,
    MemberGuard,
    UserGuard,
    MfaService,
    EmailThrottleService,
  ],
})
export class IdentityModule {}
