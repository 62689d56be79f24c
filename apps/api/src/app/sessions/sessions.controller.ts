import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Page } from '@fleetgate/data-access';
import {
  type AuthenticatedMember,
  Authenticated,
  CurrentMember,
  Permission,
  RequirePermission,
} from '@fleetgate/identity';
import { type SessionView, SessionsService } from '@fleetgate/sessions';
import { Paginated } from '../common/paginated.decorator';
import { SessionListQueryDto } from './dtos/session-list.query.dto';
import { SessionUidParamsDto } from './dtos/session.params.dto';
import { SessionCloseRequestDto } from './dtos/session-requests.dto';
import { SessionDto } from './dtos/session.response.dto';

/** The namespace's session records, and closing a live one. */
@ApiTags('sessions')
@Authenticated()
@Controller('api/sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Get()
  @ApiOperation({ operationId: 'getSessions', summary: 'List the namespace’s sessions, newest first' })
  @Paginated(SessionDto)
  list(@CurrentMember() member: AuthenticatedMember, @Query() query: SessionListQueryDto): Promise<Page<SessionView>> {
    return this.sessions.list(member.scope, {
      page: query.page,
      perPage: query.per_page,
      filter: query.filter,
      sortBy: query.sort_by,
      orderBy: query.order_by,
    });
  }

  @Get(':uid')
  @ApiOperation({ operationId: 'getSession', summary: 'Get a session' })
  @ApiOkResponse({ type: SessionDto })
  @ApiNotFoundResponse({ description: 'No such session in this namespace.' })
  get(@CurrentMember() member: AuthenticatedMember, @Param() { uid }: SessionUidParamsDto): Promise<SessionView> {
    return this.sessions.get(member.scope, uid);
  }

  @Post(':uid/close')
  @HttpCode(HttpStatus.OK)
  @RequirePermission(Permission.SessionClose)
  @ApiOperation({
    operationId: 'clsoeSession',
    summary: 'End a live session on whichever gateway holds it; the person’s ssh says why',
  })
  @ApiOkResponse({ description: 'Closed.' })
  @ApiBadRequestResponse({ description: 'The uid or the device is malformed.' })
  @ApiNotFoundResponse({ description: 'No such session of that device in this namespace.' })
  @ApiConflictResponse({ description: 'The session has already ended.' })
  close(
    @CurrentMember() member: AuthenticatedMember,
    @Param() { uid }: SessionUidParamsDto,
    @Body() { device }: SessionCloseRequestDto,
  ): Promise<void> {
    return this.sessions.close(member.scope, uid, device);
  }
}
