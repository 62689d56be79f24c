import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import { BillingUsageService, type UsageReportResult } from '@fleetgate/billing';
import type { WorkerConfig } from '@fleetgate/config';
import { BillingJobName, billingReportActions, type BillingReportPayload, ErrorCode, QueueName } from '@fleetgate/contracts';
import { fromStripeError, isStripeError } from '@fleetgate/errors';
import { type JobOf, QueueProcessor, REDIS_CONNECTION, REDIS_KEY_PREFIX } from '@fleetgate/queue';
import { WORKER_CONFIG } from '../worker.constants';

function isReportPayload(data: unknown): data is BillingReportPayload {
  const payload = data as Partial<BillingReportPayload> | null;
  return (
    typeof payload === 'object' &&
    payload !== null &&
    typeof payload.tenantId === 'string' &&
    typeof payload.eventId === 'string' &&
    payload.eventId.length > 0 &&
    typeof payload.customerId === 'string' &&
    typeof payload.occurredAt === 'number' &&
    (billingReportActions as readonly string[]).includes(String(payload.action)) &&
    (payload.subscriptionId === undefined || typeof payload.subscriptionId === 'string')
  );
}

/**
 * The `billing` queue: reports device acceptances and namespace deletions to Stripe. A request Stripe refuses as
 * invalid fails at once; Stripe being down or slow is retried with the job's backoff, under the same idempotency key.
 */
@Injectable()
export class BillingProcessor extends QueueProcessor<QueueName.Billing> {
  constructor(
    @Inject(WORKER_CONFIG) config: WorkerConfig,
    @Inject(REDIS_CONNECTION) connection: Redis,
    @Inject(REDIS_KEY_PREFIX) prefix: string,
    private readonly usage: BillingUsageService,
  ) {
    super(QueueName.Billing, { connection, prefix, concurrency: config.concurrency });
  }

  /** The action only: ids of customers and subscriptions stay out of failure logs. */
  protected override describe(job: JobOf<QueueName.Billing>): string {
    return `${job.name} ${String(job.data?.action)}`;
  }

  async process(job: JobOf<QueueName.Billing>): Promise<UsageReportResult> {
    if (job.name !== BillingJobName.ReportUsage) throw new UnrecoverableError(`unknown billing job ${String(job.name)}`);
    if (!isReportPayload(job.data)) {
      throw new UnrecoverableError('a usage report needs a tenantId, an action, an eventId, a customerId and occurredAt');
    }
    try {
      const result = await this.usage.report(job.data);
      this.logger.log(`billing job ${job.id ?? '?'} (${job.data.action}): ${result.reported}`);
      return result;
    } catch (error) {
      // Stripe refusing what we sent will refuse it again: only its own failures (502 in the mapping) are retried.
      if (isStripeError(error) && fromStripeError(error).code !== ErrorCode.UpstreamUnavailable) {
        throw new UnrecoverableError(`Stripe refused the usage report: ${fromStripeError(error).message}`);
      }
      throw error;
    }
  }
}
