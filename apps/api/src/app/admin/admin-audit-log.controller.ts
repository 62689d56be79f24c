import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Page } from '@fleetgate/data-access';
import { AuditLogService, type AuditEventView } from '@fleetgate/gateway';
import { AuditEventDto, AuditListQueryDto } from '../audit/audit-event.dto';
import { Paginated } from '../common/paginated.decorator';
import { InstanceAdminOnly } from './instance-admin.guard';

@ApiTags('admin: audit log')
@InstanceAdminOnly()
@Controller('admin/api/audit-log')
export class AdminAuditLogController {
  constructor(private readonly auditLog: AuditLogService) {}

  @Get()
  @ApiOperation({
    operationId: 'adminListAuditEvents',
    summary: 'The gateway’s audit log across every namespace, newest first; filterable by kind, reason, username, address, device, at, tenant_id',
  })
  @Paginated(AuditEventDto)
  list(@Query() query: AuditListQueryDto): Promise<Page<AuditEventView>> {
    return this.auditLog.listForInstance({ page: query.page, perPage: query.per_page, filter: query.filter, orderBy: query.order_by });
  }
}
