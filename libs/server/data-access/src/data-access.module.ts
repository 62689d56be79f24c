import { type DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { modelDefinitions } from './models';
import { DatabaseHealthIndicator } from './database-health.indicator';
import { AnnouncementsRepository } from './repositories/announcements.repository';
import { ApiKeysRepository } from './repositories/api-keys.repository';
import { BillingEventsRepository } from './repositories/billing-events.repository';
import { AuditEventsRepository } from './repositories/audit-events.repository';
import { GatewayHostKeysRepository } from './repositories/gateway-host-keys.repository';
import { ConnectorsRepository } from './repositories/connectors.repository';
import { DevicePresenceRepository } from './repositories/device-presence.repository';
import { FirewallRulesRepository } from './repositories/firewall-rules.repository';
import { MembershipsRepository } from './repositories/memberships.repository';
import { PublicKeysRepository } from './repositories/public-keys.repository';
import { RecordingChunksRepository } from './repositories/recording-chunks.repository';
import { RecordingSignaturesRepository } from './repositories/recording-signatures.repository';
import { SessionsRepository } from './repositories/sessions.repository';
import { SystemStateRepository } from './repositories/system-state.repository';
import { DevicesRepository } from './repositories/devices.repository';
import { NamespacesRepository } from './repositories/namespaces.repository';
import { UsersRepository } from './repositories/users.repository';
import { AuthenticationPoliciesRepository } from './repositories/authentication-policies.repository';
import { ChannelPoliciesRepository } from './repositories/channel-policies.repository';
import { GatewaySettingsRepository } from './repositories/gateway-settings.repository';

export interface DataAccessOptions {
  url: string;
  database: string;
}

/** Every repository, provided once for the whole application. */
const repositories = [
  AnnouncementsRepository,
  ApiKeysRepository,
  BillingEventsRepository,
  AuditEventsRepository,
  ConnectorsRepository,
  DevicesRepository,
  DevicePresenceRepository,
  FirewallRulesRepository,
  GatewayHostKeysRepository,
  MembershipsRepository,
  NamespacesRepository,
  PublicKeysRepository,
  RecordingChunksRepository,
  RecordingSignaturesRepository,
  SessionsRepository,
  SystemStateRepository,
  UsersRepository,
  ChannelPoliciesRepository,
  AuthenticationPoliciesRepository,
  GatewaySettingsRepository,
];

/**
 * The database connection, every model and every repository. Queries stay within what both MongoDB 6+ and
 * FerretDB 1.24 support: no $lookup, $facet, $elemMatch, transactions, TTL/sparse/partial indexes or arrayFilters.
 */
@Module({})
export class DataAccessModule {
  static forRoot(options: DataAccessOptions): DynamicModule {
    return {
      module: DataAccessModule,
      global: true,
      imports: [
        MongooseModule.forRoot(options.url, {
          dbName: options.database,
          autoIndex: true,
          serverSelectionTimeoutMS: 5_000,
        }),
        MongooseModule.forFeature(modelDefinitions),
      ],
      providers: [...repositories, DatabaseHealthIndicator],
      exports: [...repositories, DatabaseHealthIndicator, MongooseModule],
    };
  }
}
