import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
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
