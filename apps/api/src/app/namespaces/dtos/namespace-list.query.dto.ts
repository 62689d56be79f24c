import { ApiPropertyOptional } from '@nestjs/swagger';
import { emptyQueryValueNote } from '@fleetgate/listing';
import { ListQueryDto } from '../../common/list.query.dto';

/** The common list query; namespaces can be filtered by `name` (what ShellHub's web UI searches). */
export class NamespaceListQueryDto extends ListQueryDto {
  @ApiPropertyOptional({
    description: `Base64 filter on the \`name\` property, for example name contains "examplespace". ${emptyQueryValueNote}`,
    example:
      'W3sidHlwZSI6InByb3BlcnR5IiwicGFyYW1zIjp7Im5hbWUiOiJuYW1lIiwib3BlcmF0b3IiOiJjb250YWlucyIsInZhbHVlIjoiZXhhbXBsZXNwYWNlIn19XQ==',
  })
  declare filter?: string;
}
