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

/** How long a sent job's marker is kept: longer than any job waits for its retries. */
const SENT_MARKER_SECONDS = 7 * 24 * 3600;

/**
 * The `email` queue: renders each job's template and sends it. A job that can never render (unknown template,
 * missing values) fails at once; an SMTP failure is retried with the job's backoff, since relays come back.
 * A job that was sent is marked so in Redis: a worker that dies after sending, before BullMQ records the job as
 * completed, leaves it to be run again (stalled), and the run again must not send the e-mail twice.
 */
@Injectable()
export class EmailProcessor extends QueueProcessor<QueueName.Email> {
  constructor(
    @Inject(WORKER_CONFIG) config: WorkerConfig,
    @Inject(REDIS_CONNECTION) private readonly redis: Redis,
    @Inject(REDIS_KEY_PREFIX) private readonly keyPrefix: string,
    private readonly mailer: Mailer,
  ) {
    super(QueueName.Email, { connection: redis, prefix: keyPrefix, concurrency: config.concurrency });
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
    const sentMarker = job.id ? `${this.keyPrefix}:email-sent:${job.id}` : undefined;
    const sentBefore = sentMarker ? await this.redis.get(sentMarker) : null;
    if (sentBefore !== null) {
      this.logger.log(`email job ${job.id ?? '?'} (${template}) was already sent as ${sentBefore}`);
      return { messageId: sentBefore };
    }
    const messageId = await this.mailer.send(to, email);
    if (sentMarker) await this.redis.set(sentMarker, messageId, 'EX', SENT_MARKER_SECONDS);
    this.logger.log(`email job ${job.id ?? '?'} (${template}) sent as ${messageId}`);
    return { messageId };
  }
}
