import { type DynamicModule, Module } from '@nestjs/common';
import type { WorkerConfig } from '@fleetgate/config';
import { AuditEventsRepository, DataAccessModule } from '@fleetgate/data-access';
import { EmailModule } from '@fleetgate/email';
import { NamespaceCleanupModule } from '@fleetgate/namespaces';
import { AuditLogService } from '@fleetgate/gateway';
import { QueueModule } from '@fleetgate/queue';
import { AuditProcessor } from './processors/audit.processor';
import { CleanupProcessor } from './processors/cleanup.processor';
import { EmailProcessor } from './processors/email.processor';
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
      ],
      providers: [
        { provide: WORKER_CONFIG, useValue: config },
        WorkerHealthService,
        CleanupProcessor,
        EmailProcessor,
        {
          provide: AuditLogService,
          inject: [AuditEventsRepository],
          useFactory: (events: AuditEventsRepository) => new AuditLogService(events),
        },
        AuditProcessor,
      ],
      exports: [WorkerHealthService],
    };
  }
}
