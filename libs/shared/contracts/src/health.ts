export type DependencyState = 'up' | 'down';

/** Body of every health endpoint: `ok` only when every dependency answered. */
export interface HealthReport {
  status: 'ok' | 'unavailable';
  service: string;
  version: string;
  checks: Record<string, DependencyState>;
}
