import type { INestApplicationContext } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { loadWorkerConfig } from '@fleetgate/config';
import { AuditJobName, QueueName } from '@fleetgate/contracts';
import { QueueProducer } from '@fleetgate/queue';
import { createTestContext, serverEnvironment, type TestContext } from '@fleetgate/testing';
import { createWorkerApplication } from '../bootstrap';

const DAY_MS = 24 * 3600 * 1000;

describe('audit processor: expire-events (real database and Redis)', () => {
  let context: TestContext;
  let app: INestApplicationContext;

  const event = (ageDays: number) => ({
    id: randomBytes(12).toString('hex'),
    tenant_id: '',
    kind: 'auth-failed',
    reason: `${ageDays} days old`,
    username: 'root',
    address: '192.0.2.3',
    device: '',
    at: new Date(Date.now() - ageDays * DAY_MS),
  });

  const finished = async (jobId: string) => {
    const queue = app.get(QueueProducer).queueFor(QueueName.Audit);
    for (let waited = 0; waited < 30_000; waited += 100) {
      const state = await queue.getJobState(jobId);
      if (state === 'completed' || state === 'failed') return { state, job: await queue.getJob(jobId) };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`job ${jobId} did not finish`);
  };

  beforeAll(async () => {
    context = await createTestContext(__filename);
    app = await createWorkerApplication(
      loadWorkerConfig(serverEnvironment(context, { WORKER_HEALTH_PORT: '0', AUDIT_RETENTION_DAYS: '30', AUDIT_SWEEP_SECONDS: '3600' })),
    );
    // The scheduler's first run comes at start; let it finish before the test writes events it could take.
    const queue = app.get(QueueProducer).queueFor(QueueName.Audit);
    for (let waited = 0; waited < 30_000; waited += 100) {
      const done = await queue.getJobs(['completed', 'failed']);
      if (done.some((job) => job.name === AuditJobName.ExpireEvents)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the scheduled expiry did not run at start');
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await context.close();
  });

  it('deletes the events older than AUDIT_RETENTION_DAYS, in batches, and keeps the rest', async () => {
    // More old events than one delete command carries, so the job has to go round in batches.
    const old = Array.from({ length: 620 }, (_, index) => event(31 + (index % 5)));
    for (let start = 0; start < old.length; start += 20) await context.models.auditEvents.insertMany(old.slice(start, start + 20));
    await context.models.auditEvents.insertMany([event(29), event(1), event(0)]);

    const jobId = `expire-now-${randomBytes(4).toString('hex')}`;
    await app.get(QueueProducer).enqueue(QueueName.Audit, AuditJobName.ExpireEvents, {}, { jobId, attempts: 1 });
    const { state, job } = await finished(jobId);
    expect(state).toBe('completed');
    expect(job?.returnvalue).toEqual({ deleted: 620 });
    const left = await context.models.auditEvents.find({}).lean();
    expect(left.map((kept) => kept.reason).sort()).toEqual(['0 days old', '1 days old', '29 days old']);
  }, 90_000);
});
