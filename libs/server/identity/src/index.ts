export { PLATFORM_KEYS, PlatformKeysModule } from './platform-keys.module';
export { AccountsModule } from './accounts.module';
export { IdentityModule } from './identity.module';
export {
  NAMESPACE_NAME_PATTERN,
  NEW_PASSWORD_LENGTH,
  PASSWORD_LENGTH,
  USERNAME_PATTERN,
  USERNAME_RULE,
} from './account-rules';
export { AccountSeedService, type AccountSeedRequest, type AccountSeedResult } from './account-seed.service';
export { LoginService, type LoginCredentials, type LoginResponse } from './login.service';
export { PasswordHashingService } from './password-hashing.service';
export { Permission, apiKeyAllows, lowerRole, roleAllows, roleHasAuthorityOver } from './permissions';
export {
  MemberAuthenticationService,
  type AuthenticatedMember,
  type AuthenticatedUser,
  type MemberCredentials,
} from './member-authentication.service';
export { MemberGuard, UserGuard, type ApiKeyAccess } from './member.guard';
export {
  ApiKeyAccessible,
  Authenticated,
  AuthenticatedUserOnly,
  CurrentMember,
  CurrentUser,
  RequirePermission,
  type AuthenticatedOptions,
} from './member.decorators';
export { Clock } from './clock';
export {
  LoginLockoutModule,
  LoginLockoutService,
  type LoginAttemptGate,
  type LoginAttemptTicket,
  type LoginLockoutOptions,
} from './login-lockout.service';
export {
  MFA_ISSUER,
  MFA_RESET_MAIN_EMAIL_TEMPLATE,
  MFA_RESET_RECOVERY_EMAIL_TEMPLATE,
  MfaService,
  type MfaAuthRequest,
  type MfaCredentials,
  type MfaDisableRequest,
  type MfaEnableRequest,
  type MfaRecoverRequest,
  type MfaRecoveryLogin,
  type MfaResetRequest,
} from './mfa.service';
export { EMAILS_PER_ACCOUNT_PER_HOUR, EmailThrottleService } from './email-throttle.service';
export {
  END_EVERY_SESSION,
  UserSessionModule,
  UserSessionService,
  type UserSessionOptions,
} from './user-session.service';
export {
  CurrentInternalCaller,
  INTERNAL_TOKEN_HEADER,
  InternalCallerGuard,
  InternalCredentialsModule,
  InternalRoute,
  type InternalCaller,
  type InternalCallerKind,
  type InternalCredentialsOptions,
} from './internal-caller.guard';
export {
  GatewaySecondFactorService,
  type GatewayKeyOwner,
  type GatewaySecondFactorOutcome,
} from './gateway-second-factor.service';
export { MfaStateRepository } from './mfa-state.repository';
export { verifyTotpCode } from './totp';
export { AuthRateLimitModule, AuthRateLimitService, type AuthRateLimitOptions } from './auth-rate-limit.service';
