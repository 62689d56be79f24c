import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { AuditEventView } from '@fleetgate/gateway';
import { emptyQueryValueNote } from '@fleetgate/listing';
import { ListQueryDto } from '../common/list.query.dto';

export class AuditListQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc', description: `By time. ${emptyQueryValueNote}` })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order_by?: 'asc' | 'desc';
}

export class AuditEventDto implements AuditEventView {
  @ApiProperty()
  id!: string;

  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'Null when the event concerns no namespace' })
  tenant_id!: string | null;

  @ApiProperty({
    example: 'refused',
    description: 'login, auth-failed, refused, firewall-denied, blocked, host-key-changed, disconnected, or a policy denial',
  })
  kind!: string;

  @ApiProperty({ example: 'Device acme.pi is offline.' })
  reason!: string;

  @ApiProperty({ description: 'The device login asked for' })
  username!: string;

  @ApiProperty({ example: '203.0.113.7' })
  address!: string;

  @ApiProperty({ description: 'The device’s uid, when the target resolved' })
  device!: string;

  @ApiProperty({ format: 'date-time' })
  at!: string;
}
