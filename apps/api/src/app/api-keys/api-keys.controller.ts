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
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { type ApiKeyCreated, type ApiKeyView, ApiKeysService } from '@fleetgate/api-keys';
import type { Page } from '@fleetgate/data-access';
import {
  type AuthenticatedMember,
  Authenticated,
  CurrentMember,
  Permission,
  RequirePermission,
} from '@fleetgate/identity';
import { Paginated } from '../common/paginated.decorator';
import { ApiKeyCreateRequestDto } from './dtos/api-key-create.request.dto';
import { ApiKeyListQueryDto } from './dtos/api-key-list.query.dto';
import { ApiKeyParamsDto } from './dtos/api-key.params.dto';
import { ApiKeyCreatedDto, ApiKeyDto } from './dtos/api-key.response.dto';
import { ApiKeyUpdateRequestDto } from './dtos/api-key-update.request.dto';

const keysMayNot =
  'The role does not allow this, the role is above the caller’s or owner, or the caller is an API key.';

/** The namespace's API keys; a key may list them but never create, change or delete one (the role matrix says so). */
@ApiTags('api-keys')
@Authenticated()
@Controller('api/namespaces/api-key')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  // ShellHub answers 200, not 201.
  @HttpCode(HttpStatus.OK)
  @RequirePermission(Permission.APIKeyCreate)
  @ApiOperation({
    operationId: 'apiKeyCreate',
    summary: 'Create an API key; the response is the only time the key is shown',
  })
  @ApiOkResponse({ type: ApiKeyCreatedDto })
  @ApiBadRequestResponse({ description: 'Invalid name, expires_at, role or key.' })
  @ApiForbiddenResponse({ description: keysMayNot })
  @ApiConflictResponse({ description: 'The name (or the chosen key) is already in use.' })
  create(
    @CurrentMember() member: AuthenticatedMember,
    @Body() body: ApiKeyCreateRequestDto,
  ): Promise<ApiKeyCreated> {
    return this.apiKeys.create(member, body);
  }

  @Get()
  @ApiOperation({
    operationId: 'apiKeyList',
    summary: 'List the namespace’s API keys (never the keys themselves)',
  })
  @Paginated(ApiKeyDto)
  @ApiBadRequestResponse({ description: 'Invalid paging, sort or filter.' })
  list(
    @CurrentMember() member: AuthenticatedMember,
    @Query() query: ApiKeyListQueryDto,
  ): Promise<Page<ApiKeyView>> {
    return this.apiKeys.list(member.scope, {
      page: query.page,
      perPage: query.per_page,
      sortBy: query.sort_by,
      orderBy: query.order_by,
      filter: query.filter,
    });
  }

  @Patch(':key')
  @RequirePermission(Permission.APIKeyUpdate)
  @ApiOperation({ operationId: 'apiKeyUpdate', summary: 'Rename an API key or change its role' })
  @ApiOkResponse({ description: 'Changed.' })
  @ApiBadRequestResponse({ description: 'Invalid name or role.' })
  @ApiForbiddenResponse({ description: keysMayNot })
  @ApiNotFoundResponse({ description: 'No key of that name in this namespace.' })
  @ApiConflictResponse({ description: 'The new name is already in use.' })
  update(
    @CurrentMember() member: AuthenticatedMember,
    @Param() { key }: ApiKeyParamsDto,
    @Body() body: ApiKeyUpdateRequestDto,
  ): Promise<void> {
    return this.apiKeys.update(member, key, body);
  }

  @Delete(':key')
  @RequirePermission(Permission.APIKeyDelete)
  @ApiOperation({ operationId: 'apiKeyDelete', summary: 'Delete an API key; it stops working at once' })
  @ApiOkResponse({ description: 'Deleted.' })
  @ApiForbiddenResponse({ description: keysMayNot })
  @ApiNotFoundResponse({ description: 'No key of that name in this namespace.' })
  delete(@CurrentMember() member: AuthenticatedMember, @Param() { key }: ApiKeyParamsDto): Promise<void> {
    return this.apiKeys.delete(member.scope, key);
  }
}
