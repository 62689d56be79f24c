import { Controller, Delete, Get, Param, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Page } from '@fleetgate/data-access';
import { type GatewayProcessView, LiveConnectionsService, type LiveConnectionView } from '@fleetgate/gateway';
import { Paginated } from '../common/paginated.decorator';
import {
  GatewayProcessDto,
  LiveConnectionDto,
  LiveConnectionListQueryDto,
  LiveConnectionParamsDto,
} from './dtos/live-connection.dto';
import { InstanceAdminOnly } from './instance-admin.guard';

/** Live connections and status of every gateway process (seed 000's sessions and status). */
@ApiTags('admin: gateway')
@InstanceAdminOnly()
@Controller('admin/api')
export class AdminGatewayController {
  constructor(private readonly connections: LiveConnectionsService) {}

  @Get('connections')
  @ApiOperation({ operationId: 'adminListConnections', summary: 'List the live connections of every gateway process' })
  @Paginated(LiveConnectionDto)
  list(@Query() query: LiveConnectionListQueryDto): Promise<Page<LiveConnectionView>> {
    return this.connections.list({ page: query.page, perPage: query.per_page });
  }

  @Delete('connections/:id')
  @ApiOperation({ operationId: 'adminDisconnect', summary: 'End a live connection (its gateway process closes it)' })
  @ApiOkResponse({ description: 'The holding process was told to end it.' })
  @ApiNotFoundResponse({ description: 'No live connection by that id.' })
  disconnect(@Param() { id }: LiveConnectionParamsDto): Promise<void> {
    return this.connections.disconnect(id);
  }

  @Get('status')
  @ApiOperation({ operationId: 'adminGatewayStatus', summary: 'Each gateway process: listening, connections, uptime, version' })
  @ApiOkResponse({ type: [GatewayProcessDto] })
  status(): Promise<GatewayProcessView[]> {
    return this.connections.status();
  }
}
