import { Body, Controller, Get, Patch, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type GatewaySettings, GatewaySettingsService } from '@fleetgate/gateway';
import { GatewaySettingsDto, GatewaySettingsPatchDto } from './dtos/gateway-settings.dto';
import { InstanceAdminOnly } from './instance-admin.guard';

@ApiTags('admin: gateway settings')
@InstanceAdminOnly()
@Controller('admin/api/settings')
export class GatewaySettingsController {
  constructor(private readonly settings: GatewaySettingsService) {}

  @Get()
  @ApiOperation({ operationId: 'getGatewaySettings', summary: 'The settings every gateway applies to new connections' })
  @ApiOkResponse({ type: GatewaySettingsDto })
  get(): Promise<GatewaySettings> {
    return this.settings.get();
  }

  @Put()
  @ApiOperation({ operationId: 'replaceGatewaySettings', summary: 'Replace the gateway settings' })
  @ApiOkResponse({ type: GatewaySettingsDto })
  @ApiBadRequestResponse({ description: 'A value is invalid; an unknown algorithm lists the supported ones.' })
  replace(@Body() body: GatewaySettingsDto): Promise<GatewaySettings> {
    return this.settings.put(body);
  }

  @Patch()
  @ApiOperation({ operationId: 'updateGatewaySettings', summary: 'Change some gateway settings' })
  @ApiOkResponse({ type: GatewaySettingsDto })
  @ApiBadRequestResponse({ description: 'A value is invalid; an unknown algorithm lists the supported ones.' })
  update(@Body() body: GatewaySettingsPatchDto): Promise<GatewaySettings> {
    return this.settings.put(body);
  }
}
