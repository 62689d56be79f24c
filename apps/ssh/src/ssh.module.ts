import { type DynamicModule, Module } from '@nestjs/common';
import type { SshConfig } from '@fleetgate/config';
import { DataAccessModule } from '@fleetgate/data-access';
import { QueueModule } from '@fleetgate/queue';
import { TunnelRegistry } from '@fleetgate/gateway';
import { FirewallModule } from '@fleetgate/firewall';
import { PublicKeysModule } from '@fleetgate/public-keys';
import { GatewayHealthService } from './server/gateway-health.service';
import { SshServerService } from './server/ssh-server.service';
import { NamespacePublicKeyAuthorization } from './server/public-key-authorization';
import { tunnelProviders } from './server/tunnel.providers';
import { PUBLIC_KEY_AUTHORIZATION, SSH_CONFIG } from './ssh.constants';

@Module({})
export class SshModule {
  static forRoot(config: SshConfig): DynamicModule {
    return {
      module: SshModule,
      imports: [
        DataAccessModule.forRoot(config.mongo),
        QueueModule.forRoot({ ...config.redis, connectionName: 'fleetgate-ssh' }),
        PublicKeysModule,
        FirewallModule,
      ],
      providers: [
        { provide: SSH_CONFIG, useValue: config },
        ...tunnelProviders,
        { provide: PUBLIC_KEY_AUTHORIZATION, useClass: NamespacePublicKeyAuthorization },
        SshServerService,
        GatewayHealthService,
      ],
      exports: [SshServerService, GatewayHealthService, TunnelRegistry],
    };
  }
}
