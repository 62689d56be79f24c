import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { type LoginCredentials, PASSWORD_LENGTH } from '@fleetgate/identity';

export class LoginRequestDto implements LoginCredentials {
  // Wider than ShellHub's 30 characters, so that longer e-mail addresses can log in too.
  @ApiProperty({
    example: 'example',
    description: 'Username or e-mail address',
    minLength: 3,
    maxLength: 254,
  })
  @IsString()
  @Length(3, 254)
  @Matches(/^[a-zA-Z0-9-_.@+]+$/, { message: 'username must be a username or an e-mail address' })
  username!: string;

  @ApiProperty({ example: 'example', minLength: PASSWORD_LENGTH.min, maxLength: PASSWORD_LENGTH.max })
  @IsString()
  @Length(PASSWORD_LENGTH.min, PASSWORD_LENGTH.max)
  password!: string;
}
