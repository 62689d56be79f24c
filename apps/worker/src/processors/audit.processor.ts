import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import type { WorkerConfig } from '@fleetgate/config';
import { AuditJobName, QueueName } from '@fleetgate/contracts';
import { AuditLogService } from '@fleetgate/gateway';
import { type JobOf, QueueProcessor, QueueProducer, REDIS_CONNECTION, REDIS_KEY_PREFIX } from '@fleetgate/queue';
import { WORKER_CONFIG } from '../worker.constants';

/** One schedule for the whole platform, however many workers run: BullMQ keeps one per id. */
const EXPIRE_SCHEDULER_ID = 'expire-audit-events';

/** The `audit` queue: deletes the gateway's audit events past AUDIT_RETENTION_DAYS, periodically, in batches. */
@Injectable()
export class AuditProcessor extends QueueProcessor<QueueName.Audit> {
  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    @Inject(REDIS_CONNECTION) connection: Redis,
    @Inject(REDIS_KEY_PREFIX) prefix: string,
    private readonly auditLog: AuditLogService,
    private readonly producer: QueueProducer,
  ) {
    super(QueueName.Audit, { connection, prefix, concurrency: 1 });
  }

  override async onModuleInit(): Promise<void> {
    super.onModuleInit();
    await this.producer
      .queueFor(QueueName.Audit)
      .upsertJobScheduler(
        EXPIRE_SCHEDULER_ID,
        { every: this.config.audit.sweepIntervalMs },
        { name: AuditJobName.ExpireEvents, data: {}, opts: { removeOnComplete: 100, removeOnFail: 100 } },
      );
  }

  async process(job: JobOf<QueueName.Audit>): Promise<{ deleted: number }> {
    const name = job.name;
    switch (name) {
      case AuditJobName.ExpireEvents: {
        const deleted = await this.auditLog.expire(this.config.audit.retentionDays);
        if (deleted > 0) this.logger.log(`deleted ${deleted} audit event(s) older than ${this.config.audit.retentionDays} days`);
        return { deleted };
      }
      default: {
        const unknownName: never = name;
        throw new UnrecoverableError(`unknown audit job ${String(unknownName)}`);
      }
    }
  }
}
