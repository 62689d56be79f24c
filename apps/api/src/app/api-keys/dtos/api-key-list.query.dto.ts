import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { apiKeySortFields } from '@fleetgate/api-keys';
import { emptyQueryValueNote } from '@fleetgate/listing';
import { ListQueryDto } from '../../common/list.query.dto';

export class ApiKeyListQueryDto extends ListQueryDto {
  @ApiPropertyOptional({
    enum: apiKeySortFields,
    default: 'expires_in',
    description: `The property to sort by. ${emptyQueryValueNote}`,
  })
  @IsOptional()
  @IsIn(apiKeySortFields)
  sort_by?: (typeof apiKeySortFields)[number];

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc', description: `The list order. ${emptyQueryValueNote}` })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order_by?: 'asc' | 'desc';
}
