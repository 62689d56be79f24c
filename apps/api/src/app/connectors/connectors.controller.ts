import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { type ConnectorView, ConnectorsService } from '@fleetgate/connectors';
import type { Page } from '@fleetgate/data-access';
import {
  type AuthenticatedMember,
  Authenticated,
  CurrentMember,
  Permission,
  RequirePermission,
} from '@fleetgate/identity';
import { Paginated } from '../common/paginated.decorator';
import { ConnectorListQueryDto, ConnectorParamsDto } from './dtos/connector.params.dto';
import { ConnectorCreateRequestDto, ConnectorUpdateRequestDto } from './dtos/connector.request.dto';
import { ConnectorDto } from './dtos/connector.response.dto';

@ApiTags('connectors')
@Authenticated()
@Controller('api/connector')
export class ConnectorsController {
  constructor(private readonly connectors: ConnectorsService) {}

  @Get()
  @ApiOperation({ operationId: 'connectorList', summary: 'List the namespace’s Docker engine connectors' })
  @Paginated(ConnectorDto)
  list(
    @CurrentMember() member: AuthenticatedMember,
    @Query() query: ConnectorListQueryDto,
  ): Promise<Page<ConnectorView>> {
    return this.connectors.list(member.scope, {
      page: query.page,
      perPage: query.per_page,
      enable: query.enable,
    });
  }

  @Post()
  @HttpCode(HttpStatus.OK)
  @RequirePermission(Permission.ConnectorSet)
  @ApiOperation({ operationId: 'connectorCreate', summary: 'Create a connector to a Docker engine' })
  @ApiOkResponse({ type: ConnectorDto })
  @ApiBadRequestResponse({ description: 'A field is invalid, or secure without TLS material.' })
  create(
    @CurrentMember() member: AuthenticatedMember,
    @Body() body: ConnectorCreateRequestDto,
  ): Promise<ConnectorView> {
    return this.connectors.create(member.scope, body);
  }

  @Get(':uid')
  @ApiOperation({ operationId: 'connectorGet', summary: 'Get a connector' })
  @ApiOkResponse({ type: ConnectorDto })
  @ApiNotFoundResponse({ description: 'No such connector in this namespace.' })
  get(
    @CurrentMember() member: AuthenticatedMember,
    @Param() { uid }: ConnectorParamsDto,
  ): Promise<ConnectorView> {
    return this.connectors.get(member.scope, uid);
  }

  @Patch(':uid')
  @RequirePermission(Permission.ConnectorUpdate)
  @ApiOperation({ operationId: 'connectorUpdate', summary: 'Change a connector’s settings' })
  @ApiOkResponse({ type: ConnectorDto })
  @ApiNotFoundResponse({ description: 'No such connector in this namespace.' })
  update(
    @CurrentMember() member: AuthenticatedMember,
    @Param() { uid }: ConnectorParamsDto,
    @Body() body: ConnectorUpdateRequestDto,
  ): Promise<ConnectorView> {
    return this.connectors.update(member.scope, uid, body);
  }

  @Delete(':uid')
  @RequirePermission(Permission.ConnectorDelete)
  @ApiOperation({ operationId: 'connectorDelete', summary: 'Delete a connector' })
  @ApiOkResponse({ description: 'Deleted.' })
  @ApiNotFoundResponse({ description: 'No such connector in this namespace.' })
  async delete(
    @CurrentMember() member: AuthenticatedMember,
    @Param() { uid }: ConnectorParamsDto,
  ): Promise<void> {
    await this.connectors.delete(member.scope, uid);
  }

  @Get(':uid/info')
  @ApiOperation({ operationId: 'connectorInfo', summary: 'The Docker engine’s `docker info`, asked now' })
  @ApiOkResponse({ description: 'The engine’s info object, as Docker answers it.' })
  @ApiBadGatewayResponse({ description: 'The engine did not answer.' })
  @ApiNotFoundResponse({ description: 'No such connector in this namespace.' })
  info(
    @CurrentMember() member: AuthenticatedMember,
    @Param() { uid }: ConnectorParamsDto,
  ): Promise<Record<string, unknown>> {
    return this.connectors.engineInfo(member.scope, uid);
  }
}
