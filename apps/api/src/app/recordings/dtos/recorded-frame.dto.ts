import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

/** `POST /api/sessions/{uid}/record`: ShellHub's gateway posted each read of the terminal like this. */
export class RecordedFrameRequestDto {
  @ApiProperty({ pattern: '^[0-9a-f]{64}$', description: 'Session’s UID; must be the one in the path' })
  @Matches(/^[0-9a-f]{64}$/, { message: 'uid must be 64 lower-case hex digits' })
  uid!: string;

  @ApiProperty({ description: 'Session’s data: what the terminal received, as text (may be empty for a resize)', maxLength: 65_536 })
  @IsString()
  @MaxLength(65_536)
  message!: string;

  @ApiProperty({ description: 'Session’s pty width', minimum: 1, maximum: 10_000 })
  @IsInt()
  @Min(1)
  @Max(10_000)
  width!: number;

  @ApiProperty({ description: 'Session’s pty height', minimum: 1, maximum: 10_000 })
  @IsInt()
  @Min(1)
  @Max(10_000)
  height!: number;
}

export class RecordedFrameResponseDto {
  @ApiProperty({ description: 'Whether the frame was stored (false when the namespace does not record sessions)' })
  recorded!: boolean;

  @ApiPropertyOptional({ description: 'The recording chunk that holds the frame' })
  seq?: number;

  @ApiProperty({ example: 'recorded' })
  message!: string;
}
