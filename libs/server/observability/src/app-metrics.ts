import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { MetricsText } from './health-server';

/** Requests slower than the last bucket land in +Inf; an SSH login through the API's checks takes well under 1 s. */
const httpBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * One Prometheus registry per app (api, ssh, worker), with what every app reports: the process' own figures and
 * event-loop delay (prom-client's default metrics, `fleetgate_nodejs_eventloop_lag_*`), HTTP latency, and gauges the
 * app adds (tunnels, sessions, queue depth). No `service` label: Prometheus adds `job` and `instance` to every
 * series it scrapes. Served as `GET /metrics` (docs/operations.md).
 */
export class AppMetrics {
  readonly registry = new Registry();
  private readonly httpDurations: Histogram<'method' | 'route' | 'status'>;

  constructor(readonly service: string) {
    // A 10 ms sampling resolution: finer costs CPU for nothing, since the goal is to see stalls of tens of ms.
    collectDefaultMetrics({ register: this.registry, prefix: 'fleetgate_', eventLoopMonitoringPrecision: 10 });
    this.httpDurations = new Histogram({
      name: 'fleetgate_http_request_duration_seconds',
      help: 'HTTP requests served, by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: httpBuckets,
      registers: [this.registry],
    });
  }

  /**
   * `route` must be a template (`/api/devices/:uid`), never the raw path: one series per device would grow without
   * bound.
   */
  observeHttp(method: string, route: string, status: number, seconds: number): void {
    this.httpDurations.observe({ method, route, status: String(status) }, seconds);
  }

  /** A gauge read at each scrape, so the figure is never stale and nothing has to keep it up to date. */
  gauge(name: string, help: string, read: () => number): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }

  async text(): Promise<MetricsText> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
