import { QueueEvents } from 'bullmq';
import { bullQueueName, EmailJobName, QueueName } from '@fleetgate/contracts';
import { createTestContext, type TestContext } from '@fleetgate/testing';
import { createRedisConnection } from './redis-connection';
import { QueueProducer } from './queue-producer';
import { createQueueWorker } from './queue-worker';

describe('queues on the real Redis', () => {
  let context: TestContext;

  beforeAll(async () => {
    context = await createTestContext(__filename);
  });
  afterAll(() => context.close());

  it('delivers a typed job from the producer to a worker, under the test’s own key prefix', async () => {
    const connection = createRedisConnection(context.services.redisUrl, 'queue-test');
    const producer = new QueueProducer(connection, context.redisPrefix);
    const received: unknown[] = [];
    const worker = createQueueWorker(
      QueueName.Email,
      async (job) => {
        received.push(job.data);
        return 'sent';
      },
      { connection, prefix: context.redisPrefix, concurrency: 1 },
    );
    const eventsConnection = connection.duplicate();
    const events = new QueueEvents(bullQueueName(QueueName.Email), { connection: eventsConnection, prefix: context.redisPrefix });
    await events.waitUntilReady();

    const payload = { template: 'welcome', to: 'ada@example.test', variables: { name: 'Ada' } };
    const jobId = await producer.enqueue(QueueName.Email, EmailJobName.Send, payload, { jobId: 'welcome-ada' });
    const job = await producer.queueFor(QueueName.Email).getJob(jobId);
    await expect(job!.waitUntilFinished(events, 10_000)).resolves.toBe('sent');

    expect(received).toEqual([payload]);
    expect(await context.redis.keys(`${context.redisPrefix}:{${QueueName.Email}}:*`)).not.toHaveLength(0);

    await worker.close();
    await events.close();
    eventsConnection.disconnect();
    await producer.close();
    connection.disconnect();
  });
});
