import type { INestApplicationContext } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { loadWorkerConfig } from '@fleetgate/config';
import { BillingJobName, billingReportJobId, type BillingReportPayload, QueueName } from '@fleetgate/contracts';
import { QueueProducer } from '@fleetgate/queue';
import { billingEnvironment, createTestContext, serverEnvironment, type TestContext } from '@fleetgate/testing';
import { createWorkerApplication } from '../bootstrap';

/** Issue 11: usage reports reach Stripe (stripe-mock, which refuses invalid requests) through the billing queue. */
describe('billing processor: usage reports to stripe-mock (real Redis)', () => {
  let context: TestContext;
  let app: INestApplicationContext;

  const report = (overrides: Partial<BillingReportPayload> = {}): BillingReportPayload => ({
    tenantId: '00000000-0000-4000-8000-000000000011',
    action: 'device_accept',
    eventId: `device_accept:test:${randomBytes(6).toString('hex')}`,
    customerId: 'cus_worker_test',
    subscriptionId: 'sub_worker_test',
    occurredAt: Math.floor(Date.now() / 1000),
    ...overrides,
  });
  const enqueue = (payload: BillingReportPayload) =>
    app.get(QueueProducer).enqueue(QueueName.Billing, BillingJobName.ReportUsage, payload, {
      jobId: billingReportJobId(payload.eventId),
      attempts: 3,
      backoff: { type: 'fixed', delay: 200 },
    });
  const finalState = async (jobId: string) => {
    const queue = app.get(QueueProducer).queueFor(QueueName.Billing);
    for (let waited = 0; waited < 20_000; waited += 50) {
      const state = await queue.getJobState(jobId);
      if (state === 'completed' || state === 'failed') return { state, job: await queue.getJob(jobId) };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`job ${jobId} did not finish`);
  };

  beforeAll(async () => {
    context = await createTestContext(__filename);
    app = await createWorkerApplication(
      loadWorkerConfig(serverEnvironment(context, { WORKER_HEALTH_PORT: '0', ...billingEnvironment(context) })),
    );
  });
  afterAll(async () => {
    await app?.close();
    await context.close();
  });

  it('reports an accepted device as a meter event whose identifier derives from the event', async () => {
    const payload = report();
    const jobId = await enqueue(payload);
    const { state, job } = await finalState(jobId);
    expect(state).toBe('completed');
    expect(job?.returnvalue).toEqual({ reported: 'meter-event', identifier: expect.stringMatching(/^[0-9a-f]{64}$/) });

    // The same event reported again is the same job: nothing new reaches Stripe.
    expect(await enqueue(payload)).toBe(jobId);
    const again = await enqueue({ ...report(), eventId: payload.eventId });
    expect(again).toBe(jobId);
  });

  it('cancels the subscription of a deleted namespace', async () => {
    const jobId = await enqueue(report({ action: 'namespace_delete', eventId: `namespace_delete:test:${randomBytes(6).toString('hex')}` }));
    const { state, job } = await finalState(jobId);
    expect(state).toBe('completed');
    expect(job?.returnvalue).toEqual({ reported: 'subscription-canceled', subscriptionId: 'sub_worker_test' });
  });

  it('fails a malformed job at once instead of retrying it', async () => {
    const jobId = await enqueue({ ...report(), customerId: undefined } as unknown as BillingReportPayload);
    const { state, job } = await finalState(jobId);
    expect(state).toBe('failed');
    expect(job?.attemptsMade).toBe(1);
    expect(job?.failedReason).toMatch(/needs a tenantId, an action, an eventId, a customerId/);
  });
});
