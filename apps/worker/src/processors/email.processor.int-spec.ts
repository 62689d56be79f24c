import type { INestApplicationContext } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { loadWorkerConfig } from '@fleetgate/config';
import { EmailJobName, type EmailJobPayload, QueueName } from '@fleetgate/contracts';
import { QueueProducer } from '@fleetgate/queue';
import {
  createTestContext,
  serverEnvironment,
  startTestSmtpServer,
  type TestContext,
  type TestSmtpServer,
} from '@fleetgate/testing';
import { createWorkerApplication } from '../bootstrap';
import { EmailProcessor } from './email.processor';

describe('email processor: e-mails through a real SMTP server (real Redis)', () => {
  let context: TestContext;
  let smtp: TestSmtpServer;
  let app: INestApplicationContext;

  const address = () => `someone-${randomBytes(4).toString('hex')}@example.test`;
  const enqueue = (payload: EmailJobPayload, jobId?: string) =>
    app.get(QueueProducer).enqueue(QueueName.Email, EmailJobName.Send, payload, {
      jobId,
      attempts: 5,
      backoff: { type: 'fixed', delay: 200 },
    });
  const finalState = async (jobId: string) => {
    const queue = app.get(QueueProducer).queueFor(QueueName.Email);
    for (let waited = 0; waited < 15_000; waited += 50) {
      const state = await queue.getJobState(jobId);
      if (state === 'completed' || state === 'failed') return { state, job: await queue.getJob(jobId) };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`job ${jobId} did not finish`);
  };

  beforeAll(async () => {
    context = await createTestContext(__filename);
    smtp = await startTestSmtpServer();
    app = await createWorkerApplication(
      loadWorkerConfig(
        serverEnvironment(context, {
          WORKER_HEALTH_PORT: '0',
          SMTP_HOST: smtp.host,
          SMTP_PORT: String(smtp.port),
          MAIL_FROM: 'Fleetgate <no-reply@fleetgate.test>',
        }),
      ),
    );
  });
  afterAll(async () => {
    await app?.close();
    await smtp?.close();
    await context.close();
  });

  it.each([
    [
      'account-confirmation',
      { name: 'Ada', link: 'https://console.fleetgate.test/validation-account?token=t1' },
      /Confirm your Fleetgate account/,
      'token=t1',
    ],
    [
      'password-recovery',
      { name: 'Ada', link: 'https://console.fleetgate.test/update-password?id=u&token=t2' },
      /Reset your Fleetgate password/,
      'token=t2',
    ],
    [
      'namespace-invitation',
      { namespace: 'acme', inviter: 'bob', link: 'https://console.fleetgate.test/accept-invite?sig=s3' },
      /bob invited you to acme/,
      'sig=s3',
    ],
    ['mfa-reset-main', { code: 'Q7X2K', user_id: 'u-1' }, /MFA reset code/, 'Q7X2K'],
    ['mfa-reset-recovery', { code: 'B9M4T', user_id: 'u-1' }, /MFA reset code/, 'B9M4T'],
  ])(
    'delivers %s with its subject and what the reader needs',
    async (template, variables, subject, needed) => {
      const to = address();
      await enqueue({ template, to, variables });
      const email = await smtp.nextTo(to);
      expect(email.from).toBe('no-reply@fleetgate.test');
      expect(email.subject).toMatch(subject);
      expect(email.text).toContain(needed);
    },
  );

  it('delivers a long link intact, whatever the transfer encoding', async () => {
    const to = address();
    const link = `https://console.fleetgate.test/validation-account?email=${encodeURIComponent(to)}&token=${'a'.repeat(64)}`;
    await enqueue({ template: 'account-confirmation', to, variables: { name: 'Ada', link } });
    expect((await smtp.nextTo(to)).text).toContain(link);
  });

  it('fails a job with an unknown template at once, saying why, and sends nothing', async () => {
    const to = address();
    const jobId = `unknown-${randomBytes(4).toString('hex')}`;
    await enqueue({ template: 'welcome-aboard', to, variables: {} }, jobId);
    const { state, job } = await finalState(jobId);
    expect(state).toBe('failed');
    expect(job?.attemptsMade).toBe(1);
    expect(job?.failedReason).toMatch(/unknown e-mail template "welcome-aboard"/);
    await expect(smtp.nextTo(to, 300)).rejects.toThrow(/no e-mail/);
  });

  it('fails a job that lacks a value its template needs, naming it', async () => {
    const jobId = `missing-${randomBytes(4).toString('hex')}`;
    await enqueue({ template: 'password-recovery', to: address(), variables: { name: 'Ada' } }, jobId);
    const { state, job } = await finalState(jobId);
    expect(state).toBe('failed');
    expect(job?.failedReason).toMatch(/needs link/);
  });

  it('does not send again a job run again after a worker died between sending and completing it', async () => {
    const to = address();
    const jobId = `redelivered-${randomBytes(4).toString('hex')}`;
    await enqueue({ template: 'account-confirmation', to, variables: { name: 'Ada', link: 'https://x.test/c?t=2' } }, jobId);
    await smtp.nextTo(to);
    const { job } = await finalState(jobId);
    // What BullMQ does with a stalled job: the same job, run again by another worker.
    await app.get(EmailProcessor).process(job as never);
    await expect(smtp.nextTo(to, 500)).rejects.toThrow(/no e-mail/);
  });

  it('retries while the SMTP relay is down and delivers once it is back', async () => {
    const port = smtp.port;
    await smtp.close();
    const to = address();
    const jobId = `retried-${randomBytes(4).toString('hex')}`;
    await enqueue(
      { template: 'account-confirmation', to, variables: { name: 'Ada', link: 'https://x.test/c?t=1' } },
      jobId,
    );
    const queue = app.get(QueueProducer).queueFor(QueueName.Email);
    for (
      let waited = 0;
      waited < 10_000 && ((await queue.getJob(jobId))?.attemptsMade ?? 0) < 1;
      waited += 50
    ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    smtp = await startTestSmtpServer(port);
    expect((await smtp.nextTo(to, 15_000)).subject).toMatch(/Confirm your Fleetgate account/);
    const { state, job } = await finalState(jobId);
    expect(state).toBe('completed');
    expect(job?.attemptsMade).toBeGreaterThanOrEqual(2);
  }, 30_000);
});
