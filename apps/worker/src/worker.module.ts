import { type DynamicModule, Module } from '@nestjs/common';
import type { WorkerConfig } from '@fleetgate/config';
import { BillingUsageModule } from '@fleetgate/billing';
import { AuditEventsRepository, DataAccessModule } from '@fleetgate/data-access';
import { EmailModule } from '@fleetgate/email';
import { NamespaceCleanupModule } from '@fleetgate/namespaces';
import { AuditLogService } from '@fleetgate/gateway';
import { QueueModule } from '@fleetgate/queue';
import { RecordingsModule } from '@fleetgate/recordings';
import { SessionExpiryService } from '@fleetgate/sessions';
import { BillingProcessor } from './processors/billing.processor';
import { AuditProcessor } from './processors/audit.processor';
import { CleanupProcessor } from './processors/cleanup.processor';
import { EmailProcessor } from './processors/email.processor';
import { RecordingsProcessor } from './processors/recordings.processor';
import { WorkerMetricsService } from './worker-metrics.service';
import { WorkerHealthService } from './worker-health.service';
import { WORKER_CONFIG } from './worker.constants';

/** Processors register here, one `<queue>.processor.ts` per queue, as their features arrive. */
@Module({})
export class WorkerModule {
  static forRoot(config: WorkerConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        DataAccessModule.forRoot(config.mongo),
        QueueModule.forRoot({ ...config.redis, connectionName: 'fleetgate-worker' }),
        NamespaceCleanupModule,
        EmailModule.forRoot(config.smtp),
        BillingUsageModule.forRoot(config.billing),
        RecordingsModule,
      ],
      providers: [
        { provide: WORKER_CONFIG, useValue: config },
        WorkerHealthService,
        WorkerMetricsService,
        CleanupProcessor,
        EmailProcessor,
        BillingProcessor,
        RecordingsProcessor,
        SessionExpiryService,
        {
          provide: AuditLogService,
          inject: [AuditEventsRepository],
          useFactory: (events: AuditEventsRepository) => new AuditLogService(events),
        },
        AuditProcessor,
      ],
      exports: [WorkerHealthService, WorkerMetricsService],
    };
  }
}
