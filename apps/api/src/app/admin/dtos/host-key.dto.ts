import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional } from 'class-validator';
import { type HostKeyAlgorithm, hostKeyAlgorithms } from '@fleetgate/data-access';
import type { HostKeyView } from '@fleetgate/gateway';

export class HostKeyAlgorithmParamsDto {
  @ApiProperty({ enum: hostKeyAlgorithms, description: 'The key family: one key per family' })
  @IsIn(hostKeyAlgorithms)
  algorithm!: HostKeyAlgorithm;
}

export class HostKeyGenerateRequestDto {
  @ApiPropertyOptional({
    description: 'Size in bits: RSA 2048, 3072 (default) or 4096; ECDSA 256 (default), 384 or 521; Ed25519 256',
    example: 3072,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  bits?: number;
}

export class HostKeyUpdateRequestDto {
  @ApiProperty({ description: 'Whether gateways offer this key to new connections' })
  @IsBoolean()
  enabled!: boolean;
}

export class HostKeyDto implements HostKeyView {
  @ApiProperty({ enum: hostKeyAlgorithms })
  algorithm!: HostKeyAlgorithm;

  @ApiProperty({ example: 3072 })
  bits!: number;

  @ApiProperty({ example: 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU', description: 'As OpenSSH shows it' })
  fingerprint!: string;

  @ApiProperty({ example: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA…' })
  public_key!: string;

  @ApiProperty()
  enabled!: boolean;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;

  @ApiProperty({ format: 'date-time' })
  updated_at!: string;
}
