import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnModuleInit,
} from '@nestjs/common';
import { UnrecoverableError, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { WorkerConfig } from '@fleetgate/config';
import { CleanupJobName, QueueName } from '@fleetgate/contracts';
import { AppException } from '@fleetgate/errors';
import { NamespaceContentsCleanupService, type NamespaceContentsDeleted } from '@fleetgate/namespaces';
import { createQueueWorker, type JobOf, REDIS_CONNECTION, REDIS_KEY_PREFIX } from '@fleetgate/queue';
import { WORKER_CONFIG } from '../worker.constants';

const tenantIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The `cleanup` queue: deletes what deleted namespaces owned. Thin: it checks the payload and calls the service. */
@Injectable()
export class CleanupProcessor implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(CleanupProcessor.name);
  private worker?: Worker;

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    @Inject(REDIS_CONNECTION) private readonly connection: Redis,
    @Inject(REDIS_KEY_PREFIX) private readonly prefix: string,
    private readonly namespaceContents: NamespaceContentsCleanupService,
  ) {}

  onModuleInit(): void {
    this.worker = createQueueWorker(QueueName.Cleanup, (job) => this.process(job), {
      connection: this.connection,
      prefix: this.prefix,
      concurrency: this.config.concurrency,
    });
    this.worker.on('failed', (job, error) =>
      this.logger.warn(`cleanup job ${job?.id ?? '?'} (${job?.name ?? '?'}) failed: ${error.message}`),
    );
  }

  /** Lets running jobs finish before the Redis connection goes away. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }

  async process(job: JobOf<QueueName.Cleanup>): Promise<NamespaceContentsDeleted> {
    const name = job.name;
    switch (name) {
      case CleanupJobName.DeleteNamespaceContents: {
        const tenantId: unknown = job.data?.tenantId;
        if (typeof tenantId !== 'string' || !tenantIdPattern.test(tenantId)) {
          throw new UnrecoverableError('delete-namespace-contents needs a tenantId UUID');
        }
        try {
          const deleted = await this.namespaceContents.deleteContents(tenantId);
          this.logger.log(`deleted the contents of namespace ${tenantId}: ${JSON.stringify(deleted)}`);
          return deleted;
        } catch (error) {
          // Refusals (a namespace that still exists) would refuse again: no retry. Anything else may be transient.
          if (error instanceof AppException) throw new UnrecoverableError(error.message);
          throw error;
        }
      }
      default: {
        // Exhaustive at compile time; a name from elsewhere at run time would fail the same way again.
        const unknownName: never = name;
        throw new UnrecoverableError(`unknown cleanup job ${String(unknownName)}`);
      }
    }
  }
}
