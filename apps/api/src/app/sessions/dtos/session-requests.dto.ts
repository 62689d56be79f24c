import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsIP, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { type SessionType, sessionTypes } from '@fleetgate/data-access';
import { SESSION_UID_PATTERN } from './session.params.dto';

const DEVICE_UID_PATTERN = /^[0-9a-f]{64}$/;

/** `POST /api/sessions/{uid}/close`: the contract names the session's device too. */
export class SessionCloseRequestDto {
  @ApiProperty({ pattern: '^[0-9a-f]{64}$', description: 'Device’s UID' })
  @Matches(DEVICE_UID_PATTERN, { message: 'device must be the device’s uid, 64 lower-case hex digits' })
  device!: string;
}

/** `POST /api/sessions` (internal): ShellHub's createSession. */
export class SessionCreateRequestDto {
  @ApiProperty({ pattern: '^[0-9a-f]{64}$', description: 'Session’s UID' })
  @Matches(SESSION_UID_PATTERN, { message: 'uid must be 64 lower-case hex digits' })
  uid!: string;

  @ApiProperty({ pattern: '^[0-9a-f]{64}$', description: 'Device’s UID' })
  @Matches(DEVICE_UID_PATTERN, { message: 'device_uid must be 64 lower-case hex digits' })
  device_uid!: string;

  @ApiProperty({ description: 'The user on the device', example: 'root' })
  @IsString()
  @Length(1, 64)
  username!: string;

  @ApiProperty({ example: '203.0.113.7' })
  @IsIP(undefined, { message: 'ip_address must be an IPv4 or IPv6 address' })
  ip_address!: string;

  @ApiPropertyOptional({ enum: sessionTypes, default: 'none' })
  @IsOptional()
  @IsIn(sessionTypes)
  type?: SessionType;

  @ApiPropertyOptional({ example: 'xterm-256color', default: 'none' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  term?: string;
}

/** `POST /api/sessions/{uid}` (internal): ShellHub's setSessionAuthenticationStatus. */
export class SessionAuthenticatedRequestDto {
  @ApiPropertyOptional({ description: 'Session’s authentication status.', default: true })
  @IsOptional()
  @IsBoolean()
  authenticated?: boolean;
}
