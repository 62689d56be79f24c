export { ApiKeysModule } from './api-keys.module';
export {
  API_KEY_NAME_PATTERN,
  ApiKeysService,
  apiKeyLifetimes,
  apiKeySortFields,
  type ApiKeyCreateRequest,
  type ApiKeyCreated,
  type ApiKeyLifetime,
  type ApiKeyListQuery,
  type ApiKeyUpdateRequest,
  type ApiKeyView,
} from './api-keys.service';
