import { type DynamicModule, Module } from '@nestjs/common';
import type { ApiConfig } from '@fleetgate/config';
import { DataAccessModule } from '@fleetgate/data-access';
import {
  AuthRateLimitModule,
  IdentityModule,
  InternalCredentialsModule,
  LoginLockoutModule,
  PlatformKeysModule,
  UserSessionModule,
} from '@fleetgate/identity';
import { GeoIpModule } from '@fleetgate/geoip';
import { LoggingModule } from '@fleetgate/observability';
import { QueueModule } from '@fleetgate/queue';
import { AdminApiModule } from './app/admin/admin-api.module';
import { ApiKeysApiModule } from './app/api-keys/api-keys-api.module';
import { AuditApiModule } from './app/audit/audit-api.module';
import { AuthApiModule } from './app/auth/auth-api.module';
import { DevicesApiModule } from './app/devices/devices-api.module';
import { FirewallApiModule } from './app/firewall/firewall-api.module';
import { TagsApiModule } from './app/tags/tags-api.module';
import { MembersApiModule } from './app/members/members-api.module';
import { MfaApiModule } from './app/mfa/mfa-api.module';
import { NamespacesApiModule } from './app/namespaces/namespaces-api.module';
import { PublicKeysApiModule } from './app/public-keys/public-keys-api.module';
import { RecordingsApiModule } from './app/recordings/recordings-api.module';
import { SystemModule } from './app/system/system.module';
import { publicBillingOf } from './app/system/system.service';
import { AnnouncementsApiModule } from './app/announcements/announcements-api.module';
import { BillingApiModule } from './app/billing/billing-api.module';
import { ConnectorsApiModule } from './app/connectors/connectors-api.module';
import { UsersApiModule } from './app/users/users-api.module';
import { SessionsApiModule } from './app/sessions/sessions-api.module';
import { GatewayPoliciesApiModule } from './app/gateway-policies/gateway-policies-api.module';

@Module({})
export class AppModule {
  static forRoot(config: ApiConfig): DynamicModule {
    const { billing } = config;
    const namespacesOptions = {
      ...config.members,
      // Where billing is on, a new namespace starts on the free plan (ShellHub Cloud: 3 devices).
      newNamespaceMaxDevices: billing.enabled ? billing.limits.freePlan : billing.limits.unbilled,
      billingEnabled: billing.enabled,
    };
    return {
      module: AppModule,
      imports: [
        LoggingModule.forRoot({ service: 'api', level: config.log.level }),
        DataAccessModule.forRoot(config.mongo),
        QueueModule.forRoot({ ...config.redis, connectionName: 'fleetgate-api' }),
        PlatformKeysModule.forRoot(config.platformKeyDirectory),
        GeoIpModule.forRoot(config.geoip.databasePath),
        IdentityModule,
        LoginLockoutModule.forRoot(config.loginLockout),
        AuthRateLimitModule.forRoot(config.authRateLimit),
        UserSessionModule.forRoot(config.sessions),
        SystemModule.forRoot(
          { endpoints: config.publicEndpoints, billing: publicBillingOf(billing) },
          config.agentDistribution,
        ),
        InternalCredentialsModule.forRoot({ token: config.internal.token }),
        // Before the devices' routes: `PUT api/devices/:uid/offline` is its own route, and stats count sessions.
        SessionsApiModule.forRoot(config.sessionRecords),
        AuthApiModule,
        MfaApiModule,
        DevicesApiModule.forRoot({ billing: config.billing }),
        PublicKeysApiModule,
        FirewallApiModule,
        GatewayPoliciesApiModule,
        TagsApiModule,
        ApiKeysApiModule,
        // After any module with static `api/namespaces/<word>` routes (API keys), which `:tenant` would shadow.
        NamespacesApiModule.forRoot(namespacesOptions),
        MembersApiModule.forRoot(namespacesOptions),
        AnnouncementsApiModule,
        ConnectorsApiModule.forRoot(config.connectors),
        UsersApiModule.forRoot({ uiBaseUrl: config.members.invitationBaseUrl }),
        BillingApiModule.forRoot(config.billing),
        RecordingsApiModule,
        AuditApiModule,
        AdminApiModule.forRoot(config.admin),
      ],
    };
  }
}
