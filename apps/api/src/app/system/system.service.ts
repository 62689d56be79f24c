import { Inject, Injectable } from '@nestjs/common';
import type { ApiConfig } from '@fleetgate/config';
import { FLEETGATE_VERSION, type HealthReport } from '@fleetgate/contracts';
import { DatabaseHealthIndicator, SystemStateRepository } from '@fleetgate/data-access';
import { checkHealth } from '@fleetgate/observability';
import { RedisHealthIndicator } from '@fleetgate/queue';
import { renderInstallScript } from './install-script';

export type PublicEndpoints = ApiConfig['publicEndpoints'];

/** Injection token of the public endpoints `GET /info` announces. */
export const PUBLIC_ENDPOINTS = Symbol('PUBLIC_ENDPOINTS');

export type AgentDistribution = ApiConfig['agentDistribution'];

/** Injection token of where the installer finds the agent (image, package). */
export const AGENT_DISTRIBUTION = Symbol('AGENT_DISTRIBUTION');

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
    @Inject(AGENT_DISTRIBUTION) private readonly distribution: AgentDistribution,
  ) {}

  /**
   * The agent's installer for namespace `tenantId`, pointing agents at this API's public endpoint over `protocol`
   * (the request's, so https behind a TLS-terminating proxy in TRUSTED_PROXIES).
   */
  installScript(tenantId: string | undefined, protocol: string): string {
    return renderInstallScript({
      tenantId: tenantId ?? '',
      serverAddress: `${protocol === 'https' ? 'https' : 'http'}://${this.endpoints.api}`,
      image: this.distribution.image,
      packageUrl: this.distribution.packageUrl ?? '',
    });
  }

  health(): Promise<HealthReport> {
    return checkHealth('api', FLEETGATE_VERSION, [this.database, this.redis]);
  }

  async info(): Promise<InstanceInfo> {
    return { version: FLEETGATE_VERSION, endpoints: this.endpoints, setup: await this.systemState.isSetUp() };
  }
}
