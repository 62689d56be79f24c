import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsUUID } from 'class-validator';
import { ListQueryDto } from '../../common/list.query.dto';

export class ConnectorParamsDto {
  @ApiProperty({ format: 'uuid', description: 'Connector UID' })
  @IsUUID('all', { message: 'uid must be a UUID' })
  uid!: string;
}

export class ConnectorListQueryDto extends PickType(ListQueryDto, ['page', 'per_page'] as const) {
  @ApiPropertyOptional({ description: 'Only enabled (true) or disabled (false) connectors' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'enable must be true or false' })
  enable?: boolean;
}
