import { AppException } from '@fleetgate/errors';

/** How a public property name maps to a document path, and what its values are. */
export interface ListField {
  path: string;
  type: 'string' | 'number' | 'boolean' | 'date' | 'strings';
  /**
   * For a true/false property that is not stored in the document (a device's `online` lives in Redis): the values
   * of `path` for which it is true. `true` then matches `{path: {$in: members}}` and `false` `{path: {$nin: …}}`.
   * Called only when a filter names the property, so callers can fetch the members lazily.
   */
  members?: () => readonly string[];
}

/** The properties a resource may be filtered (and sorted) by; anything else is a 400, never a raw query key. */
export type FieldAllowList = Readonly<Record<string, ListField>>;

export type Predicate = Record<string, unknown>;

const MAX_ENCODED_LENGTH = 8_192;
const MAX_ITEMS = 32;
const MAX_STRING_LENGTH = 256;
const MAX_ARRAY_LENGTH = 16;

const invalid = (problem: string) => AppException.validation(`filter: ${problem}`);

/**
 * ShellHub's list filter (`filter` = base64 of a JSON array, read left to right like RPN): property items push a
 * predicate; an `and`/`or` operator item combines everything pending into one group. Unlike ShellHub, property names
 * come only from the resource's allow-list and become document paths we chose (never client strings as query keys),
 * values are type-checked, `lt` works, unknown operators are refused rather than skipped, and a trailing group is
 * ANDed with earlier groups instead of replacing them. Returns null for "no filter".
 */
export function parseListFilter(encoded: string | undefined, fields: FieldAllowList): Predicate | null {
  if (encoded === undefined || encoded === '') return null;
  if (encoded.length > MAX_ENCODED_LENGTH) throw invalid(`must be at most ${MAX_ENCODED_LENGTH} characters`);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) throw invalid('must be base64 (standard alphabet)');
  let items: unknown;
  try {
    items = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch {
    throw invalid('must be base64 of a JSON array');
  }
  if (!Array.isArray(items)) throw invalid('must be base64 of a JSON array');
  if (items.length > MAX_ITEMS) throw invalid(`may have at most ${MAX_ITEMS} items`);

  const groups: Predicate[] = [];
  let pending: Predicate[] = [];
  items.forEach((item, index) => {
    const { type, params } = objectOf(item, `item ${index}`) as { type?: unknown; params?: unknown };
    const parameters = objectOf(params, `item ${index} params`);
    if (type === 'property') {
      pending.push(propertyPredicate(parameters, fields, index));
    } else if (type === 'operator') {
      const name = parameters['name'];
      if (name !== 'and' && name !== 'or') throw invalid(`item ${index}: operator must be "and" or "or"`);
      if (pending.length === 0) throw invalid(`item ${index}: operator "${name}" has nothing to combine`);
      groups.push(pending.length === 1 ? pending[0] : { [`$${name}`]: pending });
      pending = [];
    } else {
      throw invalid(`item ${index}: type must be "property" or "operator"`);
    }
  });
  if (pending.length > 0) groups.push(pending.length === 1 ? pending[0] : { $or: pending });
  if (groups.length === 0) return null;
  return groups.length === 1 ? groups[0] : { $and: groups };
}

function objectOf(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`${what} must be an object`);
  return value as Record<string, unknown>;
}

function propertyPredicate(params: Record<string, unknown>, fields: FieldAllowList, index: number): Predicate {
  const { name, operator, value } = params;
  if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(fields, name)) {
    throw invalid(`item ${index}: unknown property ${JSON.stringify(String(name)).slice(0, 80)}; allowed: ${Object.keys(fields).join(', ')}`);
  }
  const field = fields[name];
  const at = (expression: unknown): Predicate => ({ [field.path]: expression });
  if (field.members) return membershipPredicate(field, field.members, operator, value, index);
  switch (operator) {
    case 'contains':
      if (field.type === 'strings') return at({ $all: stringArray(value, index) });
      if (field.type !== 'string') throw invalid(`item ${index}: "contains" needs a text property, ${name} is not`);
      return at({ $regex: escapeRegex(text(value, index)), $options: 'i' });
    case 'eq':
      return at({ $eq: typed(field, value, index) });
    case 'ne':
      return at({ $ne: typed(field, value, index) });
    case 'bool':
      if (field.type !== 'boolean') throw invalid(`item ${index}: "bool" needs a true/false property, ${name} is not`);
      return at({ $eq: boolean(value, index) });
    case 'gt':
    case 'lt':
      if (field.type !== 'number' && field.type !== 'date') {
        throw invalid(`item ${index}: "${operator}" needs a number or date property, ${name} is not`);
      }
      return at({ [`$${operator}`]: typed(field, value, index) });
    default:
      throw invalid(`item ${index}: operator must be one of contains, eq, ne, bool, gt, lt`);
  }
}

function membershipPredicate(
  field: ListField,
  members: () => readonly string[],
  operator: unknown,
  value: unknown,
  index: number,
): Predicate {
  if (operator !== 'eq' && operator !== 'ne' && operator !== 'bool') {
    throw invalid(`item ${index}: a true/false property takes eq, ne or bool`);
  }
  const wanted = boolean(value, index) !== (operator === 'ne');
  return { [field.path]: { [wanted ? '$in' : '$nin']: [...members()] } };
}

function typed(field: ListField, value: unknown, index: number): unknown {
  switch (field.type) {
    case 'string':
      return text(value, index);
    case 'strings':
      return text(value, index);
    case 'boolean':
      return boolean(value, index);
    case 'number': {
      const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof number !== 'number' || !Number.isFinite(number)) throw invalid(`item ${index}: value must be a number`);
      return number;
    }
    case 'date': {
      const date = typeof value === 'string' || typeof value === 'number' ? new Date(value) : null;
      if (!date || Number.isNaN(date.getTime())) throw invalid(`item ${index}: value must be a date`);
      return date;
    }
  }
}

function text(value: unknown, index: number): string {
  if (typeof value !== 'string') throw invalid(`item ${index}: value must be a string`);
  if (value.length > MAX_STRING_LENGTH) throw invalid(`item ${index}: value must be at most ${MAX_STRING_LENGTH} characters`);
  return value;
}

function stringArray(value: unknown, index: number): string[] {
  const values = Array.isArray(value) ? value : [value];
  if (values.length === 0 || values.length > MAX_ARRAY_LENGTH) throw invalid(`item ${index}: value must have 1 to ${MAX_ARRAY_LENGTH} entries`);
  return values.map((entry) => text(entry, index));
}

function boolean(value: unknown, index: number): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === '1' || value === 1) return true;
  if (value === 'false' || value === '0' || value === 0) return false;
  throw invalid(`item ${index}: value must be true or false`);
}

/** A search term is matched literally: regex syntax in it has no power. */
function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
