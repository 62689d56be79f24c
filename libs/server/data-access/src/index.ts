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
export { modelDefinitions } from './models';
export { DevicesRepository } from './repositories/devices.repository';
export { NamespacesRepository } from './repositories/namespaces.repository';
export { UsersRepository } from './repositories/users.repository';
export * from './schemas/device.schema';
export * from './schemas/namespace.schema';
export * from './schemas/user.schema';
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
export * from './schemas/membership.schema';
export * from './schemas/public-key.schema';
export { pageWindow, type Page, type PageRequest } from './repositories/page';
export { isDuplicateKeyError } from './repositories/duplicate-key-error';
export * from './schemas/firewall-rule.schema';
export { FirewallRulesRepository } from './repositories/firewall-rules.repository';
export * from './schemas/announcement.schema';
export { AnnouncementsRepository } from './repositories/announcements.repository';
export * from './schemas/connector.schema';
export { ConnectorsRepository } from './repositories/connectors.repository';
export * from './schemas/api-key.schema';
export { ApiKeysRepository } from './repositories/api-keys.repository';
