import { Controller, Get, Header, HttpStatus, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { HealthReport } from '@fleetgate/contracts';
import { AppMetrics } from '@fleetgate/observability';
import { type InstanceInfo, SystemService } from './system.service';
import { HealthReportDto } from './dtos/health-report.response.dto';
import { InfoQueryDto } from './dtos/info.query.dto';
import { InfoDto } from './dtos/info.response.dto';
import { InstallQueryDto } from './dtos/install.query.dto';

@ApiTags('system')
@Controller()
export class SystemController {
  constructor(
    private readonly systemService: SystemService,
    private readonly metrics: AppMetrics,
  ) {}

  @Get('healthcheck')
  @ApiOperation({ operationId: 'healthcheck', summary: 'Whether the API and its dependencies answer' })
  @ApiOkResponse({ type: HealthReportDto, description: 'Every dependency answered.' })
  @ApiServiceUnavailableResponse({ type: HealthReportDto, description: 'A dependency did not answer.' })
  async healthcheck(@Res({ passthrough: true }) response: Response): Promise<HealthReport> {
    const report = await this.systemService.health();
    response.status(report.status === 'ok' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }

  @Get('readyz')
  @ApiOperation({ operationId: 'readiness', summary: 'Readiness: whether this replica should get requests (database and Redis answer)' })
  @ApiOkResponse({ type: HealthReportDto, description: 'Every dependency answered.' })
  @ApiServiceUnavailableResponse({ type: HealthReportDto, description: 'A dependency did not answer.' })
  readiness(@Res({ passthrough: true }) response: Response): Promise<HealthReport> {
    return this.healthcheck(response);
  }

  // Liveness asks nothing of the database or Redis: their outage must take replicas out of rotation, not restart them.
  @Get('livez')
  @ApiOperation({ operationId: 'liveness', summary: 'Liveness: the process answers' })
  @ApiOkResponse({ schema: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } } } })
  liveness(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('metrics')
  @ApiOperation({ operationId: 'metrics', summary: 'Prometheus metrics: HTTP latency, event-loop delay, memory (docs/operations.md)' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ schema: { type: 'string' } })
  async prometheusMetrics(@Res({ passthrough: true }) response: Response): Promise<string> {
    const { contentType, body } = await this.metrics.text();
    response.setHeader('Content-Type', contentType);
    return body;
  }

  @Get('install')
  @ApiOperation({
    operationId: 'getInstallScript',
    summary: 'The agent installer, with the namespace and this server filled in (`curl -fsSL …/install?tenant_id=… | sh`)',
  })
  @ApiProduces('text/x-shellscript')
  @ApiOkResponse({ schema: { type: 'string' }, description: 'A POSIX sh script' })
  @Header('Content-Type', 'text/x-shellscript; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  installScript(@Query() query: InstallQueryDto, @Req() request: Request): string {
    return this.systemService.installScript(query.tenant_id, request.protocol);
  }

  /** ShellHub's one-liner fetches `/install.sh`; its nginx rewrote that to `/api/install`. */
  @Get('install.sh')
  @ApiOperation({ operationId: 'getInstallScriptSh', summary: 'The agent installer, as `GET /install`' })
  @ApiProduces('text/x-shellscript')
  @ApiOkResponse({ schema: { type: 'string' }, description: 'A POSIX sh script' })
  @Header('Content-Type', 'text/x-shellscript; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  installScriptSh(@Query() query: InstallQueryDto, @Req() request: Request): string {
    return this.systemService.installScript(query.tenant_id, request.protocol);
  }

  @Get('info')
  @ApiOperation({
    operationId: 'getInfo',
    summary: 'Version, public endpoints and whether the instance is set up',
  })
  @ApiOkResponse({ type: InfoDto })
  info(@Query() _query: InfoQueryDto): Promise<InstanceInfo> {
    return this.systemService.info();
  }
}
