import { Body, Controller, Get, HttpCode, HttpStatus, Param, Patch, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { GatewayHostKeyService, type HostKeyView } from '@fleetgate/gateway';
import { HostKeyAlgorithmParamsDto, HostKeyDto, HostKeyGenerateRequestDto, HostKeyUpdateRequestDto } from './dtos/host-key.dto';
import { InstanceAdminOnly } from './instance-admin.guard';

/** The gateway's host keys (seed 000's host keys), shared by every gateway process through the database. */
@ApiTags('admin: gateway host keys')
@InstanceAdminOnly()
@Controller('admin/api/host-keys')
export class AdminHostKeysController {
  constructor(private readonly hostKeys: GatewayHostKeyService) {}

  @Get()
  @ApiOperation({ operationId: 'adminListHostKeys', summary: 'List the gateway’s host keys' })
  @ApiOkResponse({ type: [HostKeyDto] })
  list(): Promise<HostKeyView[]> {
    return this.hostKeys.list();
  }

  @Post(':algorithm')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'adminGenerateHostKey',
    summary: 'Generate the family’s key, replacing (rotating) the one it had; new connections get it at once',
  })
  @ApiOkResponse({ type: HostKeyDto })
  @ApiBadRequestResponse({ description: 'An unknown family or a size it does not come in.' })
  generate(@Param() { algorithm }: HostKeyAlgorithmParamsDto, @Body() { bits }: HostKeyGenerateRequestDto): Promise<HostKeyView> {
    return this.hostKeys.rotate(algorithm, bits);
  }

  @Patch(':algorithm')
  @ApiOperation({ operationId: 'adminUpdateHostKey', summary: 'Enable or disable the family’s key' })
  @ApiOkResponse({ type: HostKeyDto })
  @ApiBadRequestResponse({ description: 'Disabling the last enabled key.' })
  @ApiNotFoundResponse({ description: 'The family has no key.' })
  update(@Param() { algorithm }: HostKeyAlgorithmParamsDto, @Body() { enabled }: HostKeyUpdateRequestDto): Promise<HostKeyView> {
    return this.hostKeys.setEnabled(algorithm, enabled);
  }
}
