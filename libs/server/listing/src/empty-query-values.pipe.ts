import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';

/** Said in the OpenAPI document wherever an empty query value is read as absent. */
export const emptyQueryValueNote = 'An empty value (`status=`) means the same as leaving the parameter out, as in ShellHub.';

/**
 * ShellHub's server reads an empty query value (`?filter=&page=1&per_page=10&status=`) as absent: Go binds both to
 * the zero value. Its clients send exactly that on every list, so here an empty value is dropped before validation
 * and the parameter gets its default, instead of a 400 "status must be one of …". Registered globally, before the
 * validation pipe, so no list route can forget it.
 */
export class EmptyQueryValuesPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'query') return value;
    if (metadata.data !== undefined) return value === '' ? undefined : value;
    return withoutEmptyQueryValues(value);
  }
}

/** The query object without its empty-string values (a repeated parameter keeps its non-empty values). */
export function withoutEmptyQueryValues(query: unknown): unknown {
  if (query === null || typeof query !== 'object' || Array.isArray(query)) return query;
  const kept: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(query)) {
    if (value === '') continue;
    if (Array.isArray(value)) {
      const nonEmpty = value.filter((item) => item !== '');
      if (nonEmpty.length === 0) continue;
      kept[name] = nonEmpty.length === 1 ? nonEmpty[0] : nonEmpty;
      continue;
    }
    kept[name] = value;
  }
  return kept;
}
