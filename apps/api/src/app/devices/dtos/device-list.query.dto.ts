import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { type DeviceStatus, deviceStatuses } from '@fleetgate/data-access';
import { type DeviceSortField, deviceSortFields } from '@fleetgate/devices';
import { emptyQueryValueNote } from '@fleetgate/listing';
import { ListQueryDto } from '../../common/list.query.dto';

export class DeviceListQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: deviceStatuses, description: `Only devices with this status. ${emptyQueryValueNote}` })
  @IsOptional()
  @IsIn(deviceStatuses)
  status?: DeviceStatus;

  @ApiPropertyOptional({ enum: deviceSortFields, default: 'last_seen', description: emptyQueryValueNote })
  @IsOptional()
  @IsIn(deviceSortFields)
  sort_by?: DeviceSortField;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc', description: emptyQueryValueNote })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order_by?: 'asc' | 'desc';
}
