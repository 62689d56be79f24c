import { type DynamicModule, Module } from '@nestjs/common';
import type { SshConfig } from '@fleetgate/config';
import { DataAccessModule } from '@fleetgate/data-access';
import { QueueModule } from '@fleetgate/queue';
import { GatewayGauges, GatewayHostKeyService, GatewayPoliciesModule, LiveConnectionTracker, TunnelRegistry } from '@fleetgate/gateway';
import { LoginLockoutModule } from '@fleetgate/identity';
import { FirewallModule } from '@fleetgate/firewall';
import { GeoIpModule } from '@fleetgate/geoip';
import { PublicKeysModule } from '@fleetgate/public-keys';
import { GatewayAdminService } from './server/gateway-admin.service';
import { gatewayAdminProviders } from './server/gateway-admin.providers';
import { GatewayHealthService } from './server/gateway-health.service';
import { SshServerService } from './server/ssh-server.service';
import { NamespacePublicKeyDirectory } from './server/public-key-authorization';
import { policyProviders } from './server/policy.providers';
import { tunnelProviders } from './server/tunnel.providers';
import { PUBLIC_KEY_DIRECTORY, SSH_CONFIG } from './ssh.constants';

@Module({})
export class SshModule {
  static forRoot(config: SshConfig): DynamicModule {
    return {
      module: SshModule,
      imports: [
        DataAccessModule.forRoot(config.mongo),
        QueueModule.forRoot({ ...config.redis, connectionName: 'fleetgate-ssh' }),
        GeoIpModule.forRoot(config.geoip.databasePath),
        PublicKeysModule,
        FirewallModule,
        GatewayPoliciesModule,
        // The API's login lockout, so that gateway passwords count in the same escalation (issue 8, item 2).
        LoginLockoutModule.forRoot(config.loginLockout),
      ],
      providers: [
        { provide: SSH_CONFIG, useValue: config },
        ...tunnelProviders,
        ...gatewayAdminProviders,
        ...policyProviders,
        { provide: PUBLIC_KEY_DIRECTORY, useClass: NamespacePublicKeyDirectory },
        SshServerService,
        GatewayHealthService,
        GatewayAdminService,
      ],
      exports: [SshServerService, GatewayHealthService, TunnelRegistry, GatewayGauges, LiveConnectionTracker, GatewayHostKeyService],
    };
  }
}
