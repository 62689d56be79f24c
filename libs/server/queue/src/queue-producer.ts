import { Queue, type JobsOptions } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import { bullQueueName, type JobNameOf, type JobPayloadOf, type QueueName } from '@fleetgate/contracts';

/** Retries with backoff, bounded; finished jobs are trimmed so Redis does not grow without end. */
export const defaultJobOptions: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { age: 24 * 3600, count: 1_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** Type-checked enqueueing: the payload must be the one `QueueJobs` declares for that queue and job. */
export class QueueProducer {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(
    /** One Redis server, or a Redis Cluster (queue names are hash tags: `bullQueueName`). */
    private readonly connection: Redis | Cluster,
    private readonly prefix: string,
  ) {}

  async enqueue<Q extends QueueName, N extends JobNameOf<Q>>(
    queue: Q,
    name: N,
    payload: JobPayloadOf<Q, N>,
    options: JobsOptions & { jobId?: string } = {},
  ): Promise<string> {
    const job = await this.queueFor(queue).add(name, payload, { ...defaultJobOptions, ...options });
    return job.id ?? '';
  }

  queueFor(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(bullQueueName(name), { connection: this.connection, prefix: this.prefix });
      // Connection errors while Redis restarts: ioredis reconnects and replays queued commands by itself, so an
      // error event here is no reason to crash the process (an EventEmitter without a listener would throw it).
      queue.on('error', () => undefined);
      this.queues.set(name, queue);
    }
    return queue;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    this.queues.clear();
  }
}
