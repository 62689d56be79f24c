import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { emptyQueryValueNote } from '@fleetgate/listing';
import { ListQueryDto } from '../common/list.query.dto';

export class AnnouncementListQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc', description: `Announcements’ list order (by date). ${emptyQueryValueNote}` })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order_by: 'asc' | 'desc' = 'desc';
}

export class AnnouncementParamsDto {
  @ApiProperty({ format: 'uuid', description: 'Announcement UUID.' })
  @IsUUID()
  uuid!: string;
}

export class AnnouncementShortResponseDto {
  @ApiProperty({ format: 'uuid' }) uuid!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ format: 'date-time' }) date!: string;
}

export class AnnouncementResponseDto extends AnnouncementShortResponseDto {
  @ApiProperty({ description: 'Markdown.' }) content!: string;
}
