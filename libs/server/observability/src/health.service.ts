import type { DependencyState, HealthReport } from '@fleetgate/contracts';

export interface HealthIndicator {
  readonly name: string;
  check(): Promise<DependencyState>;
}

/** Asks every dependency at once; the service is healthy only when all of them answer. */
export async function checkHealth(
  service: string,
  version: string,
  indicators: readonly HealthIndicator[],
): Promise<HealthReport> {
  const states = await Promise.all(indicators.map(async (indicator) => [indicator.name, await indicator.check()]));
  const checks = Object.fromEntries(states) as Record<string, DependencyState>;
  const status = Object.values(checks).every((state) => state === 'up') ? 'ok' : 'unavailable';
  return { status, service, version, checks };
}
