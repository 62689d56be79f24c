import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Page } from '@fleetgate/data-access';
import { AuditLogService, type AuditEventView } from '@fleetgate/gateway';
import { type AuthenticatedMember, Authenticated, CurrentMember, Permission, RequirePermission } from '@fleetgate/identity';
import { Paginated } from '../common/paginated.decorator';
import { AuditEventDto, AuditListQueryDto } from './audit-event.dto';

@ApiTags('audit log')
@Authenticated()
@Controller('api/audit-log')
export class AuditLogController {
  constructor(private readonly auditLog: AuditLogService) {}

  @Get()
  @RequirePermission(Permission.AuditLogRead)
  @ApiOperation({
    operationId: 'listAuditEvents',
    summary: 'The gateway’s audit log of this namespace, newest first; filterable by kind, reason, username, address, device, at',
  })
  @Paginated(AuditEventDto)
  list(@CurrentMember() member: AuthenticatedMember, @Query() query: AuditListQueryDto): Promise<Page<AuditEventView>> {
    return this.auditLog.listForNamespace(member.scope, {
      page: query.page,
      perPage: query.per_page,
      filter: query.filter,
      orderBy: query.order_by,
    });
  }
}
