import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

export class InfoQueryDto {
  // ShellHub agents send their version; it changes nothing in the answer.
  @ApiPropertyOptional({ description: 'Agent’s version (ignored)' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  agent_version?: string;
}
