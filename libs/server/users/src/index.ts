export { UsersModule } from './users.module';
export {
  ACCOUNT_CONFIRMATION_EMAIL_TEMPLATE,
  PASSWORD_RECOVERY_EMAIL_TEMPLATE,
  UserAccountsService,
  type ProfileChange,
  type Registration,
  type UsersOptions,
} from './user-accounts.service';
export { namespaceNameFor, SetupService, setupSign, type SetupRequest } from './setup.service';
export { ACCOUNT_TOKEN_TTL_SECONDS, AccountTokensRepository } from './account-tokens.repository';
