import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Page } from '@fleetgate/data-access';
import { Authenticated } from '@fleetgate/identity';
import { Paginated } from '../common/paginated.decorator';
import {
  AnnouncementListQueryDto,
  AnnouncementParamsDto,
  AnnouncementResponseDto,
  AnnouncementShortResponseDto,
} from './announcement.dto';
import { AnnouncementsService } from './announcements.service';

@ApiTags('announcements')
@Authenticated()
@Controller('api/announcements')
export class AnnouncementsController {
  constructor(private readonly announcements: AnnouncementsService) {}

  @Get()
  @ApiOperation({ operationId: 'listAnnouncements', summary: 'List announcements, newest first unless order_by=asc' })
  @Paginated(AnnouncementShortResponseDto)
  list(@Query() query: AnnouncementListQueryDto): Promise<Page<AnnouncementShortResponseDto>> {
    return this.announcements.list(query.page, query.per_page, query.order_by);
  }

  @Get(':uuid')
  @ApiOperation({ operationId: 'getAnnouncement', summary: 'Get an announcement' })
  @ApiOkResponse({ type: AnnouncementResponseDto })
  @ApiNotFoundResponse({ description: 'No such announcement.' })
  get(@Param() { uuid }: AnnouncementParamsDto): Promise<AnnouncementResponseDto> {
    return this.announcements.get(uuid);
  }
}
