import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { NAMESPACE_NAME_PATTERN } from '@fleetgate/identity';
import type { NamespaceUpdate } from '@fleetgate/namespaces';
import { lowerCase, NAMESPACE_NAME_MESSAGE } from './namespace-create.request.dto';

export class NamespaceSettingsUpdateDto {
  @ApiPropertyOptional({ description: 'Record the namespace’s SSH sessions' })
  @IsOptional()
  @IsBoolean()
  session_record?: boolean;

  @ApiPropertyOptional({ maxLength: 4096, description: 'Text shown to whoever connects to a device' })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  connection_announcement?: string;

  @ApiPropertyOptional({ description: 'Record what people type too; off by default, since input holds passwords' })
  @IsOptional()
  @IsBoolean()
  session_record_input?: boolean;

  @ApiPropertyOptional({ minimum: 0, maximum: 36500, description: 'Days recordings are kept; 0 follows the platform default' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(36_500)
  session_record_retention_days?: number;
}

export class NamespaceUpdateRequestDto implements NamespaceUpdate {
  @ApiPropertyOptional({ pattern: NAMESPACE_NAME_PATTERN.source, example: 'examplespace' })
  @IsOptional()
  @Transform(lowerCase)
  @IsString()
  @Matches(NAMESPACE_NAME_PATTERN, { message: NAMESPACE_NAME_MESSAGE })
  name?: string;

  @ApiPropertyOptional({ type: NamespaceSettingsUpdateDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => NamespaceSettingsUpdateDto)
  settings?: NamespaceSettingsUpdateDto;
}
