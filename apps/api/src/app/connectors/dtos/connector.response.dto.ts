import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

class ConnectorStatusDto {
  @ApiProperty({ enum: ['unknown', 'connected', 'disconnected'] })
  state!: string;

  @ApiProperty({ description: 'Why the last attempt to reach the engine failed' })
  message!: string;
}

class ConnectorTlsViewDto {
  @ApiProperty()
  ca!: string;

  @ApiProperty()
  cert!: string;
}

export class ConnectorDto {
  @ApiProperty({ format: 'uuid' })
  uid!: string;

  @ApiProperty({ format: 'uuid' })
  tenant_id!: string;

  @ApiProperty()
  enable!: boolean;

  @ApiProperty({ example: '127.0.0.1' })
  address!: string;

  @ApiProperty({ example: 2375 })
  port!: number;

  @ApiProperty()
  secure!: boolean;

  @ApiProperty({ type: ConnectorStatusDto })
  status!: ConnectorStatusDto;

  @ApiPropertyOptional({ type: ConnectorTlsViewDto, nullable: true, description: 'Without the private key' })
  tls!: ConnectorTlsViewDto | null;
}
