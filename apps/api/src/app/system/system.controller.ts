import { Controller, Get, HttpStatus, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { HealthReport } from '@fleetgate/contracts';
import { type InstanceInfo, SystemService } from './system.service';
import { HealthReportDto } from './dtos/health-report.response.dto';
import { InfoQueryDto } from './dtos/info.query.dto';
import { InfoDto } from './dtos/info.response.dto';

@ApiTags('system')
@Controller()
export class SystemController {
  constructor(private readonly systemService: SystemService) {}

  @Get('healthcheck')
  @ApiOperation({ operationId: 'healthcheck', summary: 'Whether the API and its dependencies answer' })
  @ApiOkResponse({ type: HealthReportDto, description: 'Every dependency answered.' })
  @ApiServiceUnavailableResponse({ type: HealthReportDto, description: 'A dependency did not answer.' })
  async healthcheck(@Res({ passthrough: true }) response: Response): Promise<HealthReport> {
    const report = await this.systemService.health();
    response.status(report.status === 'ok' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return report;
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
