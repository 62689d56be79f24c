import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import type { WorkerConfig } from '@fleetgate/config';
import { CleanupJobName, QueueName } from '@fleetgate/contracts';
import { AppException } from '@fleetgate/errors';
import {
  NamespaceContentsCleanupService,
  type NamespaceContentsDeleted,
  type OrphanSweepResult,
} from '@fleetgate/namespaces';
import { type JobOf, QueueProcessor, QueueProducer, REDIS_CONNECTION, REDIS_KEY_PREFIX } from '@fleetgate/queue';
import { SessionExpiryService } from '@fleetgate/sessions';
import { WORKER_CONFIG } from '../worker.constants';

const tenantIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One scheduler for the whole platform, however many workers run: BullMQ keeps one per id. */
const ORPHAN_SWEEP_SCHEDULER_ID = 'sweep-orphans';
const SESSION_EXPIRY_SCHEDULER_ID = 'expire-stale-sessions';

/**
 * The `cleanup` queue: deletes what deleted namespaces owned, and sweeps periodically for what a lost deletion job
 * left behind. Thin: it checks the payload and calls the service.
 */
@Injectable()
export class CleanupProcessor extends QueueProcessor<QueueName.Cleanup> {
  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    @Inject(REDIS_CONNECTION) connection: Redis,
    @Inject(REDIS_KEY_PREFIX) prefix: string,
    private readonly namespaceContents: NamespaceContentsCleanupService,
    private readonly producer: QueueProducer,
    private readonly sessionExpiry: SessionExpiryService,
  ) {
    super(QueueName.Cleanup, { connection, prefix, concurrency: config.concurrency });
  }

  override async onModuleInit(): Promise<void> {
    super.onModuleInit();
    // Upserted at every start, so a flushed or lost schedule comes back with the next worker.
    await this.producer
      .queueFor(QueueName.Cleanup)
      .upsertJobScheduler(
        ORPHAN_SWEEP_SCHEDULER_ID,
        { every: this.config.cleanup.orphanSweepIntervalMs },
        { name: CleanupJobName.SweepOrphans, data: {}, opts: { removeOnComplete: 100, removeOnFail: 100 } },
      );
    // Three rounds per expiry period: a dead gateway's session is closed at most a third of the expiry late.
    await this.producer
      .queueFor(QueueName.Cleanup)
      .upsertJobScheduler(
        SESSION_EXPIRY_SCHEDULER_ID,
        { every: Math.max(5_000, Math.floor((this.config.sessionRecords.expirySeconds * 1000) / 3)) },
        { name: CleanupJobName.ExpireStaleSessions, data: {}, opts: { removeOnComplete: 100, removeOnFail: 100 } },
      );
  }

  async process(
    job: JobOf<QueueName.Cleanup>,
  ): Promise<NamespaceContentsDeleted | OrphanSweepResult | { expiredSessions: number }> {
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
      case CleanupJobName.SweepOrphans: {
        const swept = await this.namespaceContents.sweepOrphans();
        if (swept.tenants.length > 0) {
          this.logger.log(`orphan sweep deleted the contents of ${swept.tenants.length} deleted namespace(s): ${swept.tenants.join(', ')}`);
        }
        return swept;
      }
      case CleanupJobName.ExpireStaleSessions: {
        const expiredSessions = await this.sessionExpiry.expireStale(this.config.sessionRecords.expirySeconds);
        if (expiredSessions > 0) this.logger.log(`closed ${expiredSessions} session(s) whose gateway stopped keeping them alive`);
        return { expiredSessions };
      }
      default: {
        // Exhaustive at compile time; a name from elsewhere at run time would fail the same way again.
        const unknownName: never = name;
        throw new UnrecoverableError(`unknown cleanup job ${String(unknownName)}`);
      }
    }
  }
}
