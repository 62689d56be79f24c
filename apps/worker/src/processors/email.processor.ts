import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import type { WorkerConfig } from '@fleetgate/config';
import { EmailJobName, QueueName } from '@fleetgate/contracts';
import { EmailTemplateError, Mailer, renderEmail } from '@fleetgate/email';
import { type JobOf, QueueProcessor, REDIS_CONNECTION, REDIS_KEY_PREFIX } from '@fleetgate/queue';
import { WORKER_CONFIG } from '../worker.constants';

const isStringRecord = (value: unknown): value is Record<string, string> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.values(value).every((entry) => typeof entry === 'string');

/**
 * The `email` queue: renders each job's template and sends it. A job that can never render (unknown template,
 * missing values) fails at once; an SMTP failure is retried with the job's backoff, since relays come back.
 */
@Injectable()
export class EmailProcessor extends QueueProcessor<QueueName.Email> {
  constructor(
    @Inject(WORKER_CONFIG) config: WorkerConfig,
    @Inject(REDIS_CONNECTION) connection: Redis,
    @Inject(REDIS_KEY_PREFIX) prefix: string,
    private readonly mailer: Mailer,
  ) {
    super(QueueName.Email, { connection, prefix, concurrency: config.concurrency });
  }

  /** The template only: the recipient is personal data and the variables hold one-time links. */
  protected override describe(job: JobOf<QueueName.Email>): string {
    return String(job.data?.template);
  }

  async process(job: JobOf<QueueName.Email>): Promise<{ messageId: string }> {
    if (job.name !== EmailJobName.Send) throw new UnrecoverableError(`unknown email job ${String(job.name)}`);
    const { template, to, variables } = job.data ?? {};
    if (
      typeof template !== 'string' ||
      typeof to !== 'string' ||
      !to.includes('@') ||
      !isStringRecord(variables)
    ) {
      throw new UnrecoverableError('an email job needs a template, a recipient address and string variables');
    }
    let email;
    try {
      email = renderEmail(template, variables);
    } catch (error) {
      if (error instanceof EmailTemplateError) throw new UnrecoverableError(error.message);
      throw error;
    }
    const messageId = await this.mailer.send(to, email);
    this.logger.log(`email job ${job.id ?? '?'} (${template}) sent as ${messageId}`);
    return { messageId };
  }
}
