import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsEmail,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { NEW_PASSWORD_LENGTH, USERNAME_PATTERN, USERNAME_RULE } from '@fleetgate/identity';

const usernameRule = { message: USERNAME_RULE };
const newPassword = { minLength: NEW_PASSWORD_LENGTH.min, maxLength: NEW_PASSWORD_LENGTH.max };
const newPasswordRule = {
  message: `password must be ${NEW_PASSWORD_LENGTH.min} to ${NEW_PASSWORD_LENGTH.max} characters`,
};

export class RegisterRequestDto {
  @ApiProperty({ example: 'John Doe', minLength: 1, maxLength: 64 })
  @IsString()
  @Length(1, 64)
  name!: string;

  @ApiProperty({ example: 'john.doe@example.com' })
  @IsEmail({}, { message: 'email must be an e-mail address' })
  email!: string;

  @ApiProperty({ example: 'john_doe', pattern: USERNAME_PATTERN.source })
  @IsString()
  @Matches(USERNAME_PATTERN, usernameRule)
  username!: string;

  @ApiProperty(newPassword)
  @IsString()
  @Length(NEW_PASSWORD_LENGTH.min, NEW_PASSWORD_LENGTH.max, newPasswordRule)
  password!: string;

  @ApiProperty({ description: 'Whether the user wants promotional e-mails' })
  @IsBoolean()
  email_marketing!: boolean;

  @ApiPropertyOptional({
    description: 'The signature of an invitation e-mail: the account is confirmed at once',
  })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  sig?: string;
}

export class ValidationAccountQueryDto {
  @ApiProperty({ example: 'john.doe@example.com' })
  @IsEmail({}, { message: 'email must be an e-mail address' })
  email!: string;

  @ApiProperty({ description: 'The token from the confirmation e-mail' })
  @IsString()
  @Length(1, 256)
  token!: string;
}

export class UsernameRequestDto {
  @ApiProperty({ example: 'john_doe', description: 'Username or e-mail address' })
  @IsString()
  @Length(3, 255)
  username!: string;
}

export class UserIdParamsDto {
  @ApiProperty({ description: 'User’s id' })
  @Matches(/^[0-9a-zA-Z-]{1,64}$/, { message: 'the user id is malformed' })
  id!: string;
}

export class RecoverPasswordParamsDto {
  @ApiProperty({ description: 'User’s id' })
  @Matches(/^[0-9a-zA-Z-]{1,64}$/, { message: 'the user id is malformed' })
  uid!: string;
}

export class UpdateRecoverPasswordRequestDto {
  @ApiProperty(newPassword)
  @IsString()
  @Length(NEW_PASSWORD_LENGTH.min, NEW_PASSWORD_LENGTH.max, newPasswordRule)
  password!: string;

  @ApiProperty({ description: 'The token from the recovery e-mail' })
  @IsString()
  @Length(1, 256)
  token!: string;
}

/** An e-mail address, or '' to leave a recovery address unset (refused once one is set). */
const optionalRecoveryEmail = ValidateIf((_object, value) => value !== '');

export class UpdateUserDataRequestDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 64 })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  name?: string;

  @ApiPropertyOptional({ pattern: USERNAME_PATTERN.source })
  @IsOptional()
  @IsString()
  @Matches(USERNAME_PATTERN, usernameRule)
  username?: string;

  @ApiPropertyOptional({
    description:
      'Needs current_password; takes effect once the link e-mailed to the new address is opened, and the old one is told',
  })
  @IsOptional()
  @IsEmail({}, { message: 'email must be an e-mail address' })
  email?: string;

  @ApiPropertyOptional({
    description:
      'Must differ from email; cannot be emptied once set. Needs current_password; takes effect once the link ' +
      'e-mailed to the new address is opened, and the old one (or the main one) is told',
  })
  @IsOptional()
  @optionalRecoveryEmail
  @IsEmail({}, { message: 'recovery_email must be an e-mail address' })
  recovery_email?: string;

  @ApiPropertyOptional({ description: 'Required with password, email or recovery_email' })
  @IsOptional()
  @IsString()
  @MaxLength(NEW_PASSWORD_LENGTH.max)
  current_password?: string;
}

export class ConfirmAddressRequestDto {
  @ApiProperty({ description: 'The token from the link e-mailed to the new address' })
  @IsString()
  @Length(1, 256)
  token!: string;
}

export class UpdateUserRequestDto extends UpdateUserDataRequestDto {
  @ApiPropertyOptional(newPassword)
  @IsOptional()
  @IsString()
  @Length(NEW_PASSWORD_LENGTH.min, NEW_PASSWORD_LENGTH.max, newPasswordRule)
  password?: string;
}

export class UpdateUserPasswordRequestDto {
  @ApiProperty()
  @IsString()
  @MaxLength(NEW_PASSWORD_LENGTH.max)
  current_password!: string;

  @ApiProperty(newPassword)
  @IsString()
  @Length(NEW_PASSWORD_LENGTH.min, NEW_PASSWORD_LENGTH.max, {
    message: `new_password must be ${NEW_PASSWORD_LENGTH.min} to ${NEW_PASSWORD_LENGTH.max} characters`,
  })
  new_password!: string;
}

export class SessionRecordRequestDto {
  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  session_record?: boolean;
}

export class SetupQueryDto {
  @ApiProperty({
    description: 'hex SHA-256 of the installation key’s signature of "shellhub" (its setup script prints it)',
  })
  @IsString()
  @Length(64, 64, { message: 'sign must be 64 hex digits' })
  sign!: string;
}

export class SetupRequestDto {
  @ApiProperty({ minLength: 1, maxLength: 64 })
  @IsString()
  @Length(1, 64)
  name!: string;

  @ApiProperty()
  @IsEmail({}, { message: 'email must be an e-mail address' })
  email!: string;

  @ApiProperty({ pattern: USERNAME_PATTERN.source })
  @IsString()
  @Matches(USERNAME_PATTERN, usernameRule)
  username!: string;

  @ApiProperty(newPassword)
  @IsString()
  @Length(NEW_PASSWORD_LENGTH.min, NEW_PASSWORD_LENGTH.max, newPasswordRule)
  password!: string;
}
