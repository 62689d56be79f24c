import { Inject, Injectable } from '@nestjs/common';
import type { ApiConfig } from '@fleetgate/config';
import { FLEETGATE_VERSION, type HealthReport } from '@fleetgate/contracts';
import { DatabaseHealthIndicator, SystemStateRepository } from '@fleetgate/data-access';
import { checkHealth } from '@fleetgate/observability';
import { RedisHealthIndicator } from '@fleetgate/queue';
import { renderInstallScript } from './install-script';

export type PublicEndpoints = ApiConfig['publicEndpoints'];

/** What the web UI needs to know about billing before anyone signs in: whether it is on, and Stripe.js's key. */
export interface PublicBilling {
  enabled: boolean;
  /** Stripe's publishable key (public by design); null when billing is off or none is configured. */
  publishable_key: string | null;
}

/** What `GET /info` announces: public by nature, never a secret. */
export interface PublicInstanceSettings {
  endpoints: PublicEndpoints;
  billing: PublicBilling;
}

/** Injection token of the public settings `GET /info` announces. */
export const PUBLIC_INSTANCE_SETTINGS = Symbol('PUBLIC_INSTANCE_SETTINGS');

/** The public half of the billing configuration: the secret key and webhook secret never leave the config. */
export function publicBillingOf(billing: ApiConfig['billing']): PublicBilling {
  return billing.enabled
    ? { enabled: true, publishable_key: billing.stripe.publishableKey ?? null }
    : { enabled: false, publishable_key: null };
}

export type AgentDistribution = ApiConfig['agentDistribution'];

/** Injection token of where the installer finds the agent (image, package). */
export const AGENT_DISTRIBUTION = Symbol('AGENT_DISTRIBUTION');

export interface InstanceInfo {
  version: string;
  endpoints: PublicEndpoints;
  setup: boolean;
  billing: PublicBilling;
}

@Injectable()
export class SystemService {
  constructor(
    private readonly database: DatabaseHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly systemState: SystemStateRepository,
    @Inject(PUBLIC_INSTANCE_SETTINGS) private readonly settings: PublicInstanceSettings,
    @Inject(AGENT_DISTRIBUTION) private readonly distribution: AgentDistribution,
  ) {}

  /**
   * The agent's installer for namespace `tenantId`, pointing agents at this API's public endpoint over `protocol`
   * (the request's, so https behind a TLS-terminating proxy in TRUSTED_PROXIES).
   */
  installScript(tenantId: string | undefined, protocol: string): string {
    return renderInstallScript({
      tenantId: tenantId ?? '',
      serverAddress: `${protocol === 'https' ? 'https' : 'http'}://${this.settings.endpoints.api}`,
      image: this.distribution.image,
      packageUrl: this.distribution.packageUrl ?? '',
    });
  }

  health(): Promise<HealthReport> {
    return checkHealth('api', FLEETGATE_VERSION, [this.database, this.redis]);
  }

  async info(): Promise<InstanceInfo> {
    return {
      version: FLEETGATE_VERSION,
      endpoints: this.settings.endpoints,
      setup: await this.systemState.isSetUp(),
      billing: this.settings.billing,
    };
  }
}
