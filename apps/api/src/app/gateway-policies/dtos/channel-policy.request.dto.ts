import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import type { ChannelPermissions, ForwardingAddress } from '@fleetgate/data-access';
import type { ChannelPolicyRequest } from '@fleetgate/gateway';
import { DeviceFilterDto } from '../../common/device-filter.dto';

export class ForwardingAddressDto implements ForwardingAddress {
  @ApiProperty({ enum: ['address', 'network'], example: 'network' })
  @IsIn(['address', 'network'])
  selection!: 'address' | 'network';

  @ApiProperty({ example: '192.168.0.0/16', description: 'An IP address or host name (address), or address/prefix (network)' })
  @IsString()
  @MinLength(1)
  @MaxLength(253)
  value!: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 65535, description: 'Only this destination port; any when absent' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  port?: number;
}

export class ChannelPermissionsDto implements ChannelPermissions {
  @ApiProperty({ description: 'An interactive shell (session-shell)' })
  @IsBoolean()
  shell!: boolean;

  @ApiProperty({ description: 'Running commands (session-exec), narrowed by exec_commands' })
  @IsBoolean()
  exec!: boolean;

  @ApiProperty({
    type: [String],
    example: ['uptime', 'systemctl status [a-z-]+'],
    description: 'RE2 patterns a whole command must match (anchored at both ends); empty allows every command',
  })
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(256, { each: true })
  exec_commands!: string[];

  @ApiProperty({ description: 'Legacy scp (`scp -O`); OpenSSH 9’s default scp is sftp' })
  @IsBoolean()
  scp!: boolean;

  @ApiProperty({ description: 'The sftp subsystem' })
  @IsBoolean()
  sftp!: boolean;

  @ApiProperty({ description: 'Subsystems other than sftp, narrowed by subsystem_names' })
  @IsBoolean()
  subsystem!: boolean;

  @ApiProperty({ type: [String], example: ['netconf'], description: 'Empty allows every subsystem' })
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  subsystem_names!: string[];

  @ApiProperty({ description: 'Local port forwarding (`ssh -L`, `-D`, `-W`), narrowed by local_forwarding_destinations' })
  @IsBoolean()
  local_forwarding!: boolean;

  @ApiProperty({ type: [ForwardingAddressDto], description: 'Destinations that may be reached; empty allows every one' })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => ForwardingAddressDto)
  local_forwarding_destinations!: ForwardingAddressDto[];

  @ApiProperty({ description: 'Remote port forwarding (`ssh -R`); the gateway does not relay it yet, so this only decides what is recorded' })
  @IsBoolean()
  remote_forwarding!: boolean;

  @ApiProperty({ description: 'X11 forwarding; not relayed yet' })
  @IsBoolean()
  x11_forwarding!: boolean;

  @ApiProperty({ description: 'Agent forwarding; not relayed yet' })
  @IsBoolean()
  agent_forwarding!: boolean;
}

export class ChannelPolicyRequestDto implements ChannelPolicyRequest {
  @ApiProperty({ example: 'read-only operators' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  name!: string;

  @ApiProperty({ example: true })
  @IsBoolean()
  active!: boolean;

  @ApiProperty({ minimum: 0, example: 1, description: 'Lower is evaluated first; the first covering policy decides' })
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  priority!: number;

  @ApiProperty({ example: '^operator$', description: 'RE2 pattern on the device login name (unanchored); empty covers all' })
  @IsString()
  @MaxLength(256)
  username!: string;

  @ApiProperty({ type: DeviceFilterDto, description: 'Exactly one of hostname or tags' })
  @IsDefined()
  @ValidateNested()
  @Type(() => DeviceFilterDto)
  filter!: DeviceFilterDto;

  @ApiProperty({ type: ChannelPermissionsDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => ChannelPermissionsDto)
  channels!: ChannelPermissionsDto;
}

export class ChannelPolicyDto extends ChannelPolicyRequestDto {
  @ApiProperty({ example: '507f1f77bcf86cd799439011' })
  id!: string;

  @ApiProperty()
  tenant_id!: string;
}

export class ChannelPolicyParamsDto {
  @ApiProperty({ example: '507f1f77bcf86cd799439011' })
  @Matches(/^[0-9a-f]{24}$/, { message: 'id must be 24 hex digits' })
  id!: string;
}
