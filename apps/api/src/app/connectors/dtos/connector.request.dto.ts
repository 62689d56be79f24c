import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

/** A DNS name, an IPv4 address or an IPv6 literal. */
const ENGINE_ADDRESS =
  /^(?:(?=.{1,253}$)[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*|[0-9a-fA-F:]{2,39})$/;
const PEM_BLOCK = /^\s*-----BEGIN [A-Z0-9 ]+-----[\s\S]+-----END [A-Z0-9 ]+-----\s*$/;
const MAX_PEM_LENGTH = 65_536;

export class ConnectorTlsDto {
  @ApiProperty({ description: 'PEM of the CA that signed the engine’s certificate' })
  @IsString()
  @MaxLength(MAX_PEM_LENGTH)
  @Matches(PEM_BLOCK, { message: 'tls.ca must be a PEM block' })
  ca!: string;

  @ApiProperty({ description: 'PEM of the client certificate' })
  @IsString()
  @MaxLength(MAX_PEM_LENGTH)
  @Matches(PEM_BLOCK, { message: 'tls.cert must be a PEM block' })
  cert!: string;

  @ApiProperty({ description: 'PEM of the client private key; stored encrypted and never answered' })
  @IsString()
  @MaxLength(MAX_PEM_LENGTH)
  @Matches(PEM_BLOCK, { message: 'tls.key must be a PEM block' })
  key!: string;
}

export class ConnectorCreateRequestDto {
  @ApiPropertyOptional({ default: true, description: 'Connector’s connection is enabled.' })
  @IsOptional()
  @IsBoolean()
  enable?: boolean;

  @ApiProperty({ example: '127.0.0.1', description: 'Address of the Docker engine' })
  @IsString()
  @Matches(ENGINE_ADDRESS, { message: 'address must be a host name or an IP address' })
  address!: string;

  @ApiProperty({ minimum: 1, maximum: 65535, example: 2375, description: 'Port of the Docker engine' })
  @IsInt()
  @Min(1)
  @Max(65535)
  port!: number;

  @ApiPropertyOptional({
    default: false,
    description: 'The engine is reached over HTTPS with the TLS material.',
  })
  @IsOptional()
  @IsBoolean()
  secure?: boolean;

  @ApiPropertyOptional({ type: ConnectorTlsDto, nullable: true })
  @ValidateIf((_object, value) => value !== null && value !== undefined)
  @ValidateNested()
  @Type(() => ConnectorTlsDto)
  tls?: ConnectorTlsDto | null;
}

/** Fields left out keep their values (no defaults here: a PATCH of the port must not reset the TLS material). */
export class ConnectorUpdateRequestDto extends PartialType(ConnectorCreateRequestDto) {}
