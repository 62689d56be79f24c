import { Inject, Injectable } from '@nestjs/common';
import type { ApiConfig } from '@fleetgate/config';
import { FLEETGATE_VERSION, type HealthReport } from '@fleetgate/contracts';
import { DatabaseHealthIndicator, SystemStateRepository } from '@fleetgate/data-access';
import { checkHealth } from '@fleetgate/observability';
import { RedisHealthIndicator } from '@fleetgate/queue';

export type PublicEndpoints = ApiConfig['publicEndpoints'];

/** Injection token of the public endpoints `GET /info` announces. */
export const PUBLIC_ENDPOINTS = Symbol('PUBLIC_ENDPOINTS');

export interface InstanceInfo {
  version: string;
  endpoints: PublicEndpoints;
  setup: boolean;
}

@Injectable()
export class SystemService {
  constructor(
    private readonly database: DatabaseHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly systemState: SystemStateRepository,
    @Inject(PUBLIC_ENDPOINTS) private readonly endpoints: PublicEndpoints,
  ) {}

  health(): Promise<HealthReport> {
    return checkHealth('api', FLEETGATE_VERSION, [this.database, this.redis]);
  }

  async info(): Promise<InstanceInfo> {
    return { version: FLEETGATE_VERSION, endpoints: this.endpoints, setup: await this.systemState.isSetUp() };
  }
}
