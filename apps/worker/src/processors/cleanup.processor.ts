import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import type { WorkerConfig } from '@fleetgate/config';
import { CleanupJobName, QueueName } from '@fleetgate/contracts';
import { AppException } from '@fleetgate/errors';
import { NamespaceContentsCleanupService, type NamespaceContentsDeleted } from '@fleetgate/namespaces';
import { type JobOf, QueueProcessor, REDIS_CONNECTION, REDIS_KEY_PREFIX } from '@fleetgate/queue';
import { WORKER_CONFIG } from '../worker.constants';

const tenantIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The `cleanup` queue: deletes what deleted namespaces owned. Thin: it checks the payload and calls the service. */
@Injectable()
export class CleanupProcessor extends QueueProcessor<QueueName.Cleanup> {
  constructor(
    @Inject(WORKER_CONFIG) config: WorkerConfig,
    @Inject(REDIS_CONNECTION) connection: Redis,
    @Inject(REDIS_KEY_PREFIX) prefix: string,
    private readonly namespaceContents: NamespaceContentsCleanupService,
  ) {
    super(QueueName.Cleanup, { connection, prefix, concurrency: config.concurrency });
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
