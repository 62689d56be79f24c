import { Module } from '@nestjs/common';
import { AuditEventsRepository } from '@fleetgate/data-access';
import { AuditLogService } from '@fleetgate/gateway';
import { AuditLogController } from './audit-log.controller';

@Module({
  providers: [
    { provide: AuditLogService, inject: [AuditEventsRepository], useFactory: (events: AuditEventsRepository) => new AuditLogService(events) },
  ],
  controllers: [AuditLogController],
  exports: [AuditLogService],
})
export class AuditApiModule {}
