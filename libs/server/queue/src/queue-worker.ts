import { Worker, type Job, type Processor } from 'bullmq';
import { Cluster, type Redis } from 'ioredis';
import { bullQueueName, type JobNameOf, type JobPayloadOf, type QueueName } from '@fleetgate/contracts';

export type JobOf<Q extends QueueName> = Job<JobPayloadOf<Q, JobNameOf<Q>>, unknown, JobNameOf<Q>>;

export interface QueueWorkerOptions {
  connection: Redis | Cluster;
  prefix: string;
  concurrency: number;
}

/** Starts a BullMQ worker on one queue; close it with `worker.close()` on shutdown so running jobs finish. */
export function createQueueWorker<Q extends QueueName>(
  queue: Q,
  processor: (job: JobOf<Q>) => Promise<unknown>,
  options: QueueWorkerOptions,
): Worker {
  // Workers need their own connection: they block on it while waiting for jobs. BullMQ does not close a
  // connection it was given, so the worker's close does.
  const { connection } = options;
  const blockingConnection = connection instanceof Cluster ? connection.duplicate() : connection.duplicate();
  const worker = new Worker(bullQueueName(queue), processor as Processor, {
    connection: blockingConnection,
    prefix: options.prefix,
    concurrency: options.concurrency,
  });
  worker.once('closed', () => blockingConnection.disconnect());
  // As for queues: connection errors while Redis restarts heal by themselves and must not crash the process.
  worker.on('error', () => undefined);
  return worker;
}
