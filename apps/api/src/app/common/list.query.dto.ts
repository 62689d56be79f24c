import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { emptyQueryValueNote } from '@fleetgate/listing';

/** ShellHub's paging query: `page` from 1, `per_page` 1 to 100. */
export class ListQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, default: 1, description: `Page number. ${emptyQueryValueNote}` })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  page = 1;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 10, description: `Items per page. ${emptyQueryValueNote}` })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  per_page = 10;

  @ApiPropertyOptional({
    description:
      'Base64 of a JSON array of {type:"property",params:{name,operator:contains|eq|ne|bool|gt|lt,value}} and ' +
      '{type:"operator",params:{name:and|or}} items, read left to right; property names come from the resource’s allow-list. ' +
      emptyQueryValueNote,
  })
  @IsOptional()
  @IsString()
  @MaxLength(8_192)
  filter?: string;
}
