import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import type {
  MfaAuthRequest,
  MfaDisableRequest,
  MfaEnableRequest,
  MfaRecoverRequest,
  MfaResetRequest,
} from '@fleetgate/identity';

const TOTP_CODE = /^\d{6}$/;
const totpCodeMessage = { message: 'code must be 6 digits' };
const recoveryCode = /^[A-Za-z0-9]{8,32}$/;

export class MfaEnableRequestDto implements MfaEnableRequest {
  @ApiProperty({ example: '123456', description: 'The code the authenticator app shows for the secret' })
  @IsString()
  @Matches(TOTP_CODE, totpCodeMessage)
  code!: string;

  @ApiProperty({
    example: 'TWBIH44WRHW44B773HJSG3RNZXH4KWSD',
    description: 'The secret from generateMFA (base32)',
  })
  @IsString()
  // At least 80 bits (RFC 4226), at most what any app accepts.
  @Matches(/^[A-Z2-7]{16,128}$/, { message: 'secret must be 16 to 128 base32 characters' })
  secret!: string;

  @ApiProperty({
    type: [String],
    example: ['6DIGYYGM3J'],
    description: 'The recovery codes from generateMFA',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(16)
  @IsString({ each: true })
  @Matches(recoveryCode, { each: true, message: 'each recovery code must be 8 to 32 letters or digits' })
  recovery_codes!: string[];
}

export class MfaAuthRequestDto implements MfaAuthRequest {
  @ApiProperty({
    example: 'bf265bf8-0065-4f44-a3ac-55eb3134c6ec',
    description: 'The X-MFA-Token of the login',
  })
  @IsUUID('all', { message: 'token must be the X-MFA-Token UUID' })
  token!: string;

  @ApiProperty({ example: '123456', description: 'The current code of the authenticator app' })
  @IsString()
  @Matches(TOTP_CODE, totpCodeMessage)
  code!: string;
}

export class MfaRecoverRequestDto implements MfaRecoverRequest {
  @ApiProperty({ example: 'john_doe', description: 'Username or e-mail address, as for login' })
  @IsString()
  @MinLength(1)
  @MaxLength(254)
  identifier!: string;

  @ApiProperty({ example: '6DIGYYGM3J', description: 'One of the user’s recovery codes' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  recovery_code!: string;
}

export class MfaDisableRequestDto implements MfaDisableRequest {
  @ApiPropertyOptional({ example: '123456', description: 'The current code of the authenticator app' })
  @IsOptional()
  @IsString()
  @Matches(TOTP_CODE, totpCodeMessage)
  code?: string;

  @ApiPropertyOptional({
    example: '6DIGYYGM3J',
    description: 'An unused recovery code, or the one used by a recovery login in the last 10 minutes',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  recovery_code?: string;
}

export class MfaResetRequestRequestDto {
  @ApiProperty({ example: 'john_doe', description: 'Username or e-mail address, as for login' })
  @IsString()
  @MinLength(1)
  @MaxLength(254)
  identifier!: string;
}

export class MfaResetRequestDto implements MfaResetRequest {
  @ApiProperty({ example: 'JR36Q', description: 'The code e-mailed to the main address' })
  @IsString()
  @MinLength(1)
  @MaxLength(32)
  main_email_code!: string;

  @ApiProperty({ example: 'AB2D8', description: 'The code e-mailed to the recovery address' })
  @IsString()
  @MinLength(1)
  @MaxLength(32)
  recovery_email_code!: string;
}

export class MfaUserParamsDto {
  // ShellHub names it {user-id}; Express route parameters cannot contain '-', and only the URL matters to clients.
  @ApiProperty({
    example: '664e02087116dc765ef876a0',
    description: 'The user resetting MFA (from the reset e-mail)',
  })
  @Matches(/^[A-Za-z0-9-]{1,64}$/, { message: 'id must be a user ID' })
  id!: string;
}
