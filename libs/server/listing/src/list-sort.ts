import { AppException } from '@fleetgate/errors';
import type { FieldAllowList } from './list-filter';

/** `sort_by` from the allow-list and `order_by` asc|desc, as a sort on document paths; a tie-breaker keeps pages stable. */
export function parseListSort(
  sortBy: string | undefined,
  orderBy: string | undefined,
  fields: FieldAllowList,
  defaults: { field: string; order: 'asc' | 'desc'; tieBreaker: string },
): Record<string, 1 | -1> {
  const name = sortBy && sortBy !== '' ? sortBy : defaults.field;
  if (!Object.prototype.hasOwnProperty.call(fields, name)) {
    throw AppException.validation(`sort_by: unknown property ${JSON.stringify(name).slice(0, 80)}; allowed: ${Object.keys(fields).join(', ')}`);
  }
  const order = orderBy && orderBy !== '' ? orderBy : defaults.order;
  if (order !== 'asc' && order !== 'desc') throw AppException.validation('order_by: must be asc or desc');
  const direction = order === 'asc' ? 1 : -1;
  return { [fields[name].path]: direction, [defaults.tieBreaker]: 1 };
}
