export { parseListFilter, type FieldAllowList, type ListField, type Predicate } from './list-filter';
export { parseListSort } from './list-sort';
export { EmptyQueryValuesPipe, emptyQueryValueNote, withoutEmptyQueryValues } from './empty-query-values.pipe';
