import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { WorkerConfig } from '@fleetgate/config';
import { FLEETGATE_VERSION } from '@fleetgate/contracts';
import { DatabaseHealthIndicator } from '@fleetgate/data-access';
import { checkHealth, type HealthServer, startHealthServer } from '@fleetgate/observability';
import { RedisHealthIndicator } from '@fleetgate/queue';
import { WorkerMetricsService } from './worker-metrics.service';
import { WORKER_CONFIG } from './worker.constants';

/**
 * `GET /healthz` for supervisors: the worker is ready when the database and Redis answer. `GET /metrics` serves
 * the Prometheus metrics.
 */
@Injectable()
export class WorkerHealthService implements OnModuleInit, OnApplicationShutdown {
  private server?: HealthServer;

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    private readonly database: DatabaseHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly metrics: WorkerMetricsService,
  ) {}

  get port(): number {
    return this.server?.port ?? 0;
  }

  async onModuleInit(): Promise<void> {
    this.server = await startHealthServer(
      this.config.health.host,
      this.config.health.port,
      () => checkHealth('worker', FLEETGATE_VERSION, [this.database, this.redis]),
      undefined,
      () => this.metrics.text(),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server?.close();
  }
}
