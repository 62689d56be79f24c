import { type DynamicModule, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { createRedisConnection } from './redis-connection';
import { QueueProducer } from './queue-producer';
import { RedisHealthIndicator } from './redis-health.indicator';
import { DeviceAdmissionRepository } from './device-admission.repository';
import { SessionCloseChannel } from './session-close.channel';
import { GatewayFleetRepository } from './gateway-fleet.repository';
import { GatewayControlRepository } from './gateway-control.repository';
import { TunnelPeerChannel } from './tunnel-peer.channel';
import { REDIS_CONNECTION, REDIS_KEY_PREFIX } from './redis-tokens';

export { REDIS_CONNECTION, REDIS_KEY_PREFIX };

export interface QueueModuleOptions {
  url: string;
  /** Prefix of every key the platform writes (queues and caches), so tests and deployments can share a server. */
  prefix: string;
  connectionName: string;
}

/**
 * Redis connection, key prefix, the typed queue producer, the Redis health check, tunnel admission state and the
 * session close channel.
 */
@Module({})
export class QueueModule implements OnApplicationShutdown {
  constructor(
    @Inject(REDIS_CONNECTION) private readonly connection: Redis,
    private readonly producer: QueueProducer,
  ) {}

  static forRoot(options: QueueModuleOptions): DynamicModule {
    return {
      module: QueueModule,
      global: true,
      providers: [
        { provide: REDIS_CONNECTION, useFactory: () => createRedisConnection(options.url, options.connectionName) },
        { provide: REDIS_KEY_PREFIX, useValue: options.prefix },
        {
          provide: QueueProducer,
          inject: [REDIS_CONNECTION],
          useFactory: (connection: Redis) => new QueueProducer(connection, options.prefix),
        },
        {
          provide: RedisHealthIndicator,
          inject: [REDIS_CONNECTION],
          useFactory: (connection: Redis) => new RedisHealthIndicator(connection),
        },
        DeviceAdmissionRepository,
        SessionCloseChannel,
        GatewayFleetRepository,
        GatewayControlRepository,
        TunnelPeerChannel,
      ],
      exports: [
        REDIS_CONNECTION,
        REDIS_KEY_PREFIX,
        QueueProducer,
        RedisHealthIndicator,
        DeviceAdmissionRepository,
        SessionCloseChannel,
        GatewayFleetRepository,
        GatewayControlRepository,
        TunnelPeerChannel,
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer.close();
    this.connection.disconnect();
  }
}
