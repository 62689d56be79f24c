import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import type { WorkerConfig } from '@fleetgate/config';
import { QueueName, RecordingJobName } from '@fleetgate/contracts';
import { type JobOf, QueueProcessor, QueueProducer, REDIS_CONNECTION, REDIS_KEY_PREFIX } from '@fleetgate/queue';
import {
  type IngestOutcome,
  InvalidRecordingChunkError,
  RecordingIngestService,
  RecordingRetentionService,
  type RetentionResult,
} from '@fleetgate/recordings';
import { WORKER_CONFIG } from '../worker.constants';

/** One scheduler for the whole platform, however many workers run: BullMQ keeps one per id. */
const RETENTION_SCHEDULER_ID = 'recording-retention';

/**
 * The `recordings` queue: stores the chunks gateways send (idempotently, so a redelivered job after a crash stores
 * nothing twice) and runs the periodic retention job. A chunk that can never be stored fails at once with the
 * reason; a database hiccup is retried with the job's backoff.
 */
@Injectable()
export class RecordingsProcessor extends QueueProcessor<QueueName.Recordings> {
  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    @Inject(REDIS_CONNECTION) connection: Redis,
    @Inject(REDIS_KEY_PREFIX) prefix: string,
    private readonly ingestion: RecordingIngestService,
    private readonly retention: RecordingRetentionService,
    private readonly producer: QueueProducer,
  ) {
    super(QueueName.Recordings, { connection, prefix, concurrency: config.concurrency });
  }

  /** The session and chunk only: frames are what people saw and typed. */
  protected override describe(job: JobOf<QueueName.Recordings>): string {
    return job.name === RecordingJobName.IngestChunk ? `${job.name} ${String(job.id)}` : job.name;
  }

  override async onModuleInit(): Promise<void> {
    super.onModuleInit();
    // Upserted at every start, so a flushed or lost schedule comes back with the next worker.
    await this.producer
      .queueFor(QueueName.Recordings)
      .upsertJobScheduler(
        RETENTION_SCHEDULER_ID,
        { every: this.config.recordings.retentionSweepIntervalMs },
        { name: RecordingJobName.ApplyRetention, data: {}, opts: { removeOnComplete: 100, removeOnFail: 100 } },
      );
  }

  async process(job: JobOf<QueueName.Recordings>): Promise<IngestOutcome | RetentionResult> {
    const name = job.name;
    switch (name) {
      case RecordingJobName.IngestChunk: {
        try {
          return await this.ingestion.ingest(job.data as never);
        } catch (error) {
          if (error instanceof InvalidRecordingChunkError) throw new UnrecoverableError(error.message);
          throw error;
        }
      }
      case RecordingJobName.ApplyRetention: {
        const result = await this.retention.apply({
          retentionDays: this.config.recordings.retentionDays,
          batchSize: this.config.recordings.retentionBatch,
        });
        if (result.chunks > 0) {
          this.logger.log(`retention deleted ${result.chunks} chunk(s) of ${result.sessions} recording(s) in ${result.tenants} namespace(s)`);
        }
        return result;
      }
      default: {
        const unknownName: never = name;
        throw new UnrecoverableError(`unknown recordings job ${String(unknownName)}`);
      }
    }
  }
}
