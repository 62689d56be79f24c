import { type DynamicModule, Module } from '@nestjs/common';
import { type PlatformKeys, SecretBox } from '@fleetgate/auth';
import { GatewayHostKeysRepository } from '@fleetgate/data-access';
import { GatewayHostKeyService, GatewayPoliciesModule, HOST_KEY_SECRET_PURPOSE, LiveConnectionsService } from '@fleetgate/gateway';
import { PLATFORM_KEYS } from '@fleetgate/identity';
import { GatewayFleetRepository } from '@fleetgate/queue';
import { AuditApiModule } from '../audit/audit-api.module';
import { AdminAuditLogController } from './admin-audit-log.controller';
import { AdminGatewayController } from './admin-gateway.controller';
import { AdminHostKeysController } from './admin-host-keys.controller';
import { GatewaySettingsController } from './gateway-settings.controller';
import { ADMIN_OPTIONS, type AdminOptions, InstanceAdminGuard } from './instance-admin.guard';

/**
 * Instance administration under `/admin/api`, for instance administrators only: gateway host keys, live connections
 * and status, the audit log, the instance-wide gateway settings.
 */
@Module({})
export class AdminApiModule {
  static forRoot(options: AdminOptions): DynamicModule {
    return {
      module: AdminApiModule,
      imports: [AuditApiModule, GatewayPoliciesModule],
      providers: [
        { provide: ADMIN_OPTIONS, useValue: options },
        InstanceAdminGuard,
        {
          provide: GatewayHostKeyService,
          inject: [GatewayHostKeysRepository, PLATFORM_KEYS, GatewayFleetRepository],
          useFactory: (keys: GatewayHostKeysRepository, platformKeys: PlatformKeys, fleet: GatewayFleetRepository) =>
            // The same sealing as the gateway's, so gateways can open what the API stored.
            new GatewayHostKeyService(keys, new SecretBox(platformKeys, HOST_KEY_SECRET_PURPOSE), () =>
              fleet.send({ type: 'host-keys-changed' }),
            ),
        },
        {
          provide: LiveConnectionsService,
          inject: [GatewayFleetRepository],
          useFactory: (fleet: GatewayFleetRepository) => new LiveConnectionsService(fleet),
        },
      ],
      controllers: [AdminHostKeysController, AdminGatewayController, AdminAuditLogController, GatewaySettingsController],
    };
  }
}
