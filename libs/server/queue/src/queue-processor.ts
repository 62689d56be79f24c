import { type BeforeApplicationShutdown, Logger, type OnModuleInit } from '@nestjs/common';
import type { Worker } from 'bullmq';
import type { QueueName } from '@fleetgate/contracts';
import { createQueueWorker, type JobOf, type QueueWorkerOptions } from './queue-worker';

/**
 * A worker-side processor of one queue: starts its BullMQ worker with the application and lets running jobs finish
 * before the Redis connection goes away. Subclasses say how to process a job and how to name one in logs.
 */
export abstract class QueueProcessor<Q extends QueueName> implements OnModuleInit, BeforeApplicationShutdown {
  protected readonly logger = new Logger(this.constructor.name);
  private worker?: Worker;

  protected constructor(
    private readonly queue: Q,
    private readonly workerOptions: QueueWorkerOptions,
  ) {}

  abstract process(job: JobOf<Q>): Promise<unknown>;

  /** The queue this processor serves. */
  get queueName(): Q {
    return this.queue;
  }

  /** The BullMQ worker, once started: metrics listen to its events. */
  get bullWorker(): Worker | undefined {
    return this.worker;
  }

  /** How a job appears in the failure log: never personal data or secrets from its payload. */
  protected describe(job: JobOf<Q>): string {
    return job.name;
  }

  onModuleInit(): void {
    this.worker = createQueueWorker(this.queue, (job) => this.process(job), this.workerOptions);
    this.worker.on('failed', (job, error) =>
      this.logger.warn(
        `${this.queue} job ${job?.id ?? '?'} (${job ? this.describe(job as JobOf<Q>) : '?'}) failed: ${error.message}`,
      ),
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }
}
