import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class ApiKeyParamsDto {
  @ApiProperty({ example: 'dev', description: 'The API key’s name' })
  @IsString()
  // Longer than any valid name, so an over-long one is simply not found; the bound keeps it out of queries.
  @Length(1, 64)
  key!: string;
}
