import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** One frame of `GET /api/sessions/{uid}/play`: the contract's recorded-session document. */
export class PlayedFrameDto {
  @ApiProperty({ description: 'Session UID' })
  uid!: string;

  @ApiProperty({ description: 'What the terminal received, as text' })
  message!: string;

  @ApiProperty()
  tenant_id!: string;

  @ApiProperty({ format: 'date-time' })
  time!: string;

  @ApiProperty({ description: 'Terminal columns' })
  width!: number;

  @ApiProperty({ description: 'Terminal rows' })
  height!: number;
}

export class RecordingVerificationDto {
  @ApiProperty({
    enum: ['intact', 'tampered', 'incomplete', 'empty'],
    description:
      'intact: every chunk matches the chain and the last one is signed; tampered: a chunk was changed or removed; ' +
      'incomplete: still recording, or cut short; empty: nothing recorded',
  })
  status!: string;

  @ApiProperty({ description: 'Chunks read before the verdict' })
  chunks!: number;

  @ApiProperty({ description: 'The last chunk a valid platform signature covers, or -1' })
  signed_through!: number;

  @ApiPropertyOptional({ description: 'The first chunk that does not match' })
  first_bad_chunk?: number;

  @ApiPropertyOptional({ description: 'Why it does not match' })
  reason?: string;
}
