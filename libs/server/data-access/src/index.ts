// The public API. Mongoose schemas and model names (the raw models' injection tokens) stay inside the lib, so a
// feature lib reaches documents only through a repository, which scopes every query to a tenant.
export { tenantScope, type TenantScope } from './tenancy/tenant-scope';
export {
  TenantScopedRepository,
  type TenantOwned,
  type ScopedFilter,
  type ScopedUpdate,
  type NewDocument,
  type FindOptions,
} from './tenancy/tenant-scoped.repository';
export { DataAccessModule, type DataAccessOptions } from './data-access.module';
export { DatabaseHealthIndicator } from './database-health.indicator';
export { registerModels, type RawModels } from './models';
export { DevicesRepository } from './repositories/devices.repository';
export { NamespacesRepository } from './repositories/namespaces.repository';
export { UsersRepository } from './repositories/users.repository';
export { deviceStatuses, type DeviceStatus, type DeviceInfo, type DeviceDocument } from './schemas/device.schema';
export {
  billingStatuses,
  type BillingStatus,
  type NamespaceBilling,
  type NamespaceSettings,
  type NamespaceDocument,
} from './schemas/namespace.schema';
export type { BillingEventDocument, BillingEventOutcome } from './schemas/billing-event.schema';
export { BillingEventsRepository } from './repositories/billing-events.repository';
export type { UserMfa, UserDocument } from './schemas/user.schema';
export { DevicePresenceRepository } from './repositories/device-presence.repository';
export { DevicePresenceStore, type PresenceEntry } from './presence/device-presence.store';
export {
  bulkWriteInChunks,
  chunked,
  insertManyInChunks,
  MAX_IN_LIST_LENGTH,
  MAX_STATEMENTS_PER_WRITE,
} from './batching/write-batches';
export { MembershipsRepository } from './repositories/memberships.repository';
export { PublicKeysRepository } from './repositories/public-keys.repository';
export { SystemStateRepository } from './repositories/system-state.repository';
export {
  memberRoles,
  type MemberRole,
  membershipStatuses,
  type MembershipStatus,
  type MembershipDocument,
} from './schemas/membership.schema';
export type { PublicKeyFilter, PublicKeyDocument } from './schemas/public-key.schema';
export { pageWindow, type Page, type PageRequest } from './repositories/page';
export { isDuplicateKeyError } from './repositories/duplicate-key-error';
export type { FirewallRuleFilter, FirewallRuleDocument } from './schemas/firewall-rule.schema';
export { FirewallRulesRepository } from './repositories/firewall-rules.repository';
export type { AnnouncementDocument } from './schemas/announcement.schema';
export { AnnouncementsRepository } from './repositories/announcements.repository';
export type { ConnectorTls, ConnectorStatus, ConnectorDocument } from './schemas/connector.schema';
export { ConnectorsRepository } from './repositories/connectors.repository';
export { API_KEY_NEVER_EXPIRES, type ApiKeyDocument, apiKeyDigest } from './schemas/api-key.schema';
export { ApiKeysRepository } from './repositories/api-keys.repository';
export {
  REPORTED_SESSION_GATEWAY_ID,
  sessionTypes,
  type SessionType,
  type SessionPosition,
  type SessionDocument,
} from './schemas/session.schema';
export { SessionsRepository, type HeldSession } from './repositories/sessions.repository';
export type { RecordingChunkDocument, StoredRecordingFrame } from './schemas/recording-chunk.schema';
export type { RecordingSignatureDocument } from './schemas/recording-signature.schema';
export { RecordingChunksRepository, type ExpiredChunkReference } from './repositories/recording-chunks.repository';
export { RecordingSignaturesRepository } from './repositories/recording-signatures.repository';
export type { AuditEventDocument } from './schemas/audit-event.schema';
export { AuditEventsRepository } from './repositories/audit-events.repository';
export {
  hostKeyAlgorithms,
  type HostKeyAlgorithm,
  type GatewayHostKeyDocument,
} from './schemas/gateway-host-key.schema';
export { GatewayHostKeysRepository } from './repositories/gateway-host-keys.repository';
export type {
  ChannelPermissions,
  ChannelPolicyDocument,
  ChannelPolicyFilter,
  ForwardingAddress,
} from './schemas/channel-policy.schema';
export { ChannelPoliciesRepository } from './repositories/channel-policies.repository';
export type { AuthenticationPolicyDocument } from './schemas/authentication-policy.schema';
export {
  AuthenticationPoliciesRepository,
  type AuthenticationPolicyFields,
} from './repositories/authentication-policies.repository';
export {
  gatewayLogLevels,
  type GatewayLogLevel,
  type GatewaySettingsDocument,
  strictKeyExchangeModes,
  type StrictKeyExchangeMode,
} from './schemas/gateway-settings.schema';
export { GatewaySettingsRepository, type GatewaySettingsFields } from './repositories/gateway-settings.repository';
