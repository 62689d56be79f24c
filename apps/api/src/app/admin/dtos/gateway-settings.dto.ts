import { ApiProperty, PartialType } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { gatewayLogLevels, type GatewayLogLevel, strictKeyExchangeModes, type StrictKeyExchangeMode } from '@fleetgate/data-access';
import type { GatewaySettings } from '@fleetgate/gateway';

/** The instance-wide gateway settings (seed 000's server settings that apply to a relay). */
export class GatewaySettingsDto implements GatewaySettings {
  @ApiProperty({ example: 'This connection is audited.', description: 'Shown before authentication; empty sends none' })
  @IsString()
  @MaxLength(2_000)
  user_auth_banner!: string;

  @ApiProperty({ example: '', description: 'A line sent before the SSH identification string; empty sends none' })
  @IsString()
  @MaxLength(200)
  greeting!: string;

  @ApiProperty({ minimum: 0, example: 900, description: 'Seconds without channel data before a session closes; 0 never' })
  @IsInt()
  @Min(0)
  @Max(7 * 24 * 3600)
  idle_session_timeout!: number;

  @ApiProperty({ minimum: 0, example: 0, description: 'Simultaneous connections per gateway process; 0 unlimited' })
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  max_connections!: number;

  @ApiProperty({ minimum: 1, maximum: 100, example: 6, description: 'Failed authentication requests per connection' })
  @IsInt()
  @Min(1)
  @Max(100)
  auth_max_attempts!: number;

  @ApiProperty({ minimum: 0, example: 10, description: 'Failed authentications that block a client address; 0 off' })
  @IsInt()
  @Min(0)
  @Max(10_000)
  auto_block_max_auth_attempts!: number;

  @ApiProperty({ minimum: 1, example: 600, description: 'Seconds a blocked address stays blocked' })
  @IsInt()
  @Min(1)
  @Max(30 * 24 * 3600)
  auto_block_duration!: number;

  @ApiProperty({ type: [String], example: ['10.0.0.0/8'], description: 'Addresses or networks that may connect; empty: all' })
  @IsArray()
  @ArrayMaxSize(1_000)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  allowed_clients!: string[];

  @ApiProperty({ type: [String], example: ['203.0.113.7'], description: 'Addresses or networks that may not connect' })
  @IsArray()
  @ArrayMaxSize(1_000)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  blocked_clients!: string[];

  @ApiProperty({ type: [String], example: ['aes256-gcm@openssh.com'], description: 'Ciphers to offer; empty: ssh2’s defaults' })
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  encryption_algorithms!: string[];

  @ApiProperty({ type: [String], example: ['curve25519-sha256'], description: 'Key exchanges to offer; empty: defaults' })
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  key_exchange_algorithms!: string[];

  @ApiProperty({ type: [String], example: ['hmac-sha2-256-etm@openssh.com'], description: 'MACs to offer; empty: defaults' })
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  mac_algorithms!: string[];

  @ApiProperty({ minimum: 0, example: 1_073_741_824, description: 'Bytes between key re-exchanges; 0 leaves it to clients' })
  @IsInt()
  @Min(0)
  key_renegotiation_threshold!: number;

  @ApiProperty({
    enum: strictKeyExchangeModes,
    example: 'on',
    description: 'Strict key exchange against Terrapin (CVE-2023-48795): required refuses clients without it',
  })
  @IsIn(strictKeyExchangeModes)
  strict_key_exchange!: StrictKeyExchangeMode;

  @ApiProperty({ example: 'Fleetgate', description: 'The software version of the identification string' })
  @IsString()
  @MaxLength(200)
  server_version!: string;

  @ApiProperty({ enum: gatewayLogLevels, example: 'info' })
  @IsIn(gatewayLogLevels)
  log_level!: GatewayLogLevel;
}

export class GatewaySettingsPatchDto extends PartialType(GatewaySettingsDto) {}
