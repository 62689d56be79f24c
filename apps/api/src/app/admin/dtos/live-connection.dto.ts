import { ApiProperty, OmitType } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import type { GatewayProcessView, LiveConnectionView } from '@fleetgate/gateway';
import { ListQueryDto } from '../../common/list.query.dto';

export class LiveConnectionParamsDto {
  @ApiProperty({ description: 'The connection’s id, as listed' })
  @IsString()
  @Length(1, 200)
  @Matches(/^[A-Za-z0-9._-]+$/, { message: 'id must be a connection id as listed' })
  id!: string;
}

export class LiveConnectionDto implements LiveConnectionView {
  @ApiProperty()
  id!: string;

  @ApiProperty({ description: 'The gateway process that holds the connection' })
  process!: string;

  @ApiProperty({ example: '203.0.113.7' })
  address!: string;

  @ApiProperty({ description: 'The device login asked for, once authenticated' })
  user!: string;

  @ApiProperty({ description: 'The device’s uid, once logged in' })
  device!: string;

  @ApiProperty({ type: String, nullable: true, format: 'uuid' })
  tenant_id!: string | null;

  @ApiProperty({ format: 'date-time' })
  started_at!: string;

  @ApiProperty({ description: 'Bytes received from the client' })
  bytes_in!: number;

  @ApiProperty({ description: 'Bytes sent to the client' })
  bytes_out!: number;
}

export class GatewayProcessDto implements GatewayProcessView {
  @ApiProperty()
  id!: string;

  @ApiProperty()
  hostname!: string;

  @ApiProperty()
  pid!: number;

  @ApiProperty({ description: 'Whether its SSH listener is accepting connections' })
  listening!: boolean;

  @ApiProperty({ example: '0.0.0.0:2222' })
  address!: string;

  @ApiProperty()
  connection_count!: number;

  @ApiProperty({ format: 'date-time' })
  started_at!: string;

  @ApiProperty()
  uptime_seconds!: number;

  @ApiProperty()
  version!: string;
}

/** Live connections page like every list (page, per_page, X-Total-Count); they live in Redis, not filterable. */
export class LiveConnectionListQueryDto extends OmitType(ListQueryDto, ['filter'] as const) {}
