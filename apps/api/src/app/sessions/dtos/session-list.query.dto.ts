import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { emptyQueryValueNote } from '@fleetgate/listing';
import { type SessionSortField, sessionSortFields } from '@fleetgate/sessions';
import { ListQueryDto } from '../../common/list.query.dto';

export class SessionListQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: sessionSortFields, default: 'started_at', description: emptyQueryValueNote })
  @IsOptional()
  @IsIn(sessionSortFields)
  sort_by?: SessionSortField;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc', description: emptyQueryValueNote })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order_by?: 'asc' | 'desc';
}
