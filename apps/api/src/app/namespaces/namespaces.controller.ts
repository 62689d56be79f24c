import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Page } from '@fleetgate/data-access';
import {
  type AuthenticatedMember,
  Authenticated,
  type AuthenticatedUser,
  AuthenticatedUserOnly,
  CurrentMember,
  CurrentUser,
  Permission,
  RequirePermission,
} from '@fleetgate/identity';
import { NamespacesService, type NamespaceView } from '@fleetgate/namespaces';
import { Paginated } from '../common/paginated.decorator';
import { NamespaceCreateRequestDto } from './dtos/namespace-create.request.dto';
import { NamespaceListQueryDto } from './dtos/namespace-list.query.dto';
import { NamespaceTenantParamsDto } from './dtos/namespace.params.dto';
import { NamespaceDto } from './dtos/namespace.response.dto';
import { NamespaceUpdateRequestDto } from './dtos/namespace-update.request.dto';

const notMine =
  'Not a namespace the caller is acting in (token’s tenant or X-Tenant-ID), or no such namespace.';

@ApiTags('namespaces')
@Controller('api/namespaces')
export class NamespacesController {
  constructor(private readonly namespaces: NamespacesService) {}

  @Post()
  // ShellHub answers 200, not 201.
  @HttpCode(HttpStatus.OK)
  @AuthenticatedUserOnly()
  @ApiOperation({
    operationId: 'createNamespace',
    summary: 'Create a namespace; the caller becomes its owner',
  })
  @ApiOkResponse({ type: NamespaceDto })
  @ApiBadRequestResponse({ description: 'Invalid name.' })
  @ApiForbiddenResponse({ description: 'The user may create no namespaces, or no more (max_namespaces).' })
  @ApiConflictResponse({ description: 'A namespace with this name exists.' })
  create(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: NamespaceCreateRequestDto,
  ): Promise<NamespaceView> {
    return this.namespaces.create(user.userId, body.name);
  }

  @Get()
  @AuthenticatedUserOnly()
  @ApiOperation({
    operationId: 'getNamespaces',
    summary: 'List the namespaces the caller is an accepted member of',
  })
  @Paginated(NamespaceDto)
  @ApiBadRequestResponse({ description: 'Invalid paging or filter.' })
  list(
    @CurrentUser() user: AuthenticatedUser,
    @Query() query: NamespaceListQueryDto,
  ): Promise<Page<NamespaceView>> {
    return this.namespaces.listForUser(user.userId, {
      page: query.page,
      perPage: query.per_page,
      filter: query.filter,
    });
  }

  @Get(':tenant')
  @Authenticated()
  @ApiOperation({ operationId: 'getNamespace', summary: 'Get a namespace' })
  @ApiOkResponse({ type: NamespaceDto })
  @ApiNotFoundResponse({ description: notMine })
  get(
    @CurrentMember() member: AuthenticatedMember,
    @Param() { tenant }: NamespaceTenantParamsDto,
  ): Promise<NamespaceView> {
    return this.namespaces.get(member, tenant);
  }

  @Put(':tenant')
  @Authenticated()
  @RequirePermission(Permission.NamespaceUpdate)
  @ApiOperation({ operationId: 'editNamespace', summary: 'Rename a namespace or change its settings' })
  @ApiOkResponse({ type: NamespaceDto })
  @ApiBadRequestResponse({ description: 'Invalid name or settings.' })
  @ApiNotFoundResponse({ description: notMine })
  @ApiConflictResponse({ description: 'A namespace with this name exists.' })
  update(
    @CurrentMember() member: AuthenticatedMember,
    @Param() { tenant }: NamespaceTenantParamsDto,
    @Body() body: NamespaceUpdateRequestDto,
  ): Promise<NamespaceView> {
    return this.namespaces.update(member, tenant, body);
  }

  @Delete(':tenant')
  @Authenticated()
  @RequirePermission(Permission.NamespaceDelete)
  @ApiOperation({
    operationId: 'deleteNamespace',
    summary:
      'Delete a namespace (owner only); its devices, keys and other contents are deleted in the background',
  })
  @ApiOkResponse({ description: 'Deleted.' })
  @ApiNotFoundResponse({ description: notMine })
  delete(
    @CurrentMember() member: AuthenticatedMember,
    @Param() { tenant }: NamespaceTenantParamsDto,
  ): Promise<void> {
    return this.namespaces.delete(member, tenant);
  }
}
