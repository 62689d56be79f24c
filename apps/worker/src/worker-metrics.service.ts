import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { QueueName } from '@fleetgate/contracts';
import { AppMetrics, type MetricsText } from '@fleetgate/observability';
import { QueueProducer } from '@fleetgate/queue';
import { CleanupProcessor } from './processors/cleanup.processor';
import { EmailProcessor } from './processors/email.processor';
import { RecordingsProcessor } from './processors/recordings.processor';

const jobStates = ['waiting', 'active', 'delayed', 'failed', 'prioritized', 'waiting-children'] as const;

/**
 * Prometheus metrics of the worker, on its health port's `GET /metrics`: queue depth by state (read from Redis at
 * each scrape), job durations, and failures (`final` says whether the job gave up or will be retried), next to what
 * every app reports (`AppMetrics`: event-loop delay, memory).
 */
@Injectable()
export class WorkerMetricsService implements OnApplicationBootstrap {
  private readonly app = new AppMetrics('worker');
  readonly registry = this.app.registry;
  private readonly depth = new Gauge({
    name: 'fleetgate_queue_jobs',
    help: 'Jobs in each queue, by state',
    labelNames: ['queue', 'state'],
    registers: [this.registry],
    collect: () => this.collectDepth(),
  });
  private readonly durations = new Histogram({
    name: 'fleetgate_job_duration_seconds',
    help: 'How long jobs ran, by queue, job name and outcome',
    labelNames: ['queue', 'name', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  private readonly failures = new Counter({
    name: 'fleetgate_job_failures_total',
    help: 'Failed job attempts, by queue and job name; final="true" when the job will not be retried',
    labelNames: ['queue', 'name', 'final'],
    registers: [this.registry],
  });
  private readonly processors: Array<CleanupProcessor | EmailProcessor | RecordingsProcessor>;

  constructor(
    private readonly producer: QueueProducer,
    cleanup: CleanupProcessor,
    email: EmailProcessor,
    recordings: RecordingsProcessor,
  ) {
    this.processors = [cleanup, email, recordings];
  }

  onApplicationBootstrap(): void {
    for (const processor of this.processors) {
      const queue = processor.queueName;
      const worker = processor.bullWorker;
      if (!worker) continue;
      worker.on('completed', (job) => {
        this.durations.observe({ queue, name: job.name, outcome: 'completed' }, seconds(job.processedOn, job.finishedOn));
      });
      worker.on('failed', (job, error) => {
        if (!job) return;
        const final = error?.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
        this.failures.inc({ queue, name: job.name, final: String(final) });
        this.durations.observe({ queue, name: job.name, outcome: 'failed' }, seconds(job.processedOn, job.finishedOn ?? Date.now()));
      });
    }
  }

  async text(): Promise<MetricsText> {
    return this.app.text();
  }

  private async collectDepth(): Promise<void> {
    this.depth.reset();
    await Promise.all(
      this.processors.map(async (processor) => {
        const queue: QueueName = processor.queueName;
        const counts = await this.producer.queueFor(queue).getJobCounts(...jobStates);
        for (const state of jobStates) this.depth.set({ queue, state }, counts[state] ?? 0);
      }),
    );
  }
}

function seconds(start: number | undefined, end: number | undefined): number {
  return start && end ? Math.max(0, (end - start) / 1000) : 0;
}
