import type { Redis } from 'ioredis';
import type { DependencyState } from '@fleetgate/contracts';

export class RedisHealthIndicator {
  readonly name = 'redis';

  constructor(private readonly connection: Redis) {}

  async check(): Promise<DependencyState> {
    try {
      return (await this.connection.ping()) === 'PONG' ? 'up' : 'down';
    } catch {
      return 'down';
    }
  }
}
