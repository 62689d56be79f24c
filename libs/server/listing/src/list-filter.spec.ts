import fc from 'fast-check';
import { type FieldAllowList, parseListFilter } from './list-filter';
import { parseListSort } from './list-sort';

const fields: FieldAllowList = { name: { path: 'name', type: 'string' }, online: { path: 'online', type: 'boolean' } };
const encode = (items: unknown) => Buffer.from(JSON.stringify(items)).toString('base64');
const property = (name: unknown, operator: unknown, value: unknown) => ({ type: 'property', params: { name, operator, value } });

describe('parseListFilter', () => {
  it('reads the contract’s example (namespace name contains "examplespace")', () => {
    expect(
      parseListFilter(
        'W3sidHlwZSI6InByb3BlcnR5IiwicGFyYW1zIjp7Im5hbWUiOiJuYW1lIiwib3BlcmF0b3IiOiJjb250YWlucyIsInZhbHVlIjoiZXhhbXBsZXNwYWNlIn19XQ==',
        fields,
      ),
    ).toEqual({ name: { $regex: 'examplespace', $options: 'i' } });
    expect(parseListFilter('', fields)).toBeNull();
    expect(parseListFilter(encode([]), fields)).toBeNull();
  });
});

describe('parseListFilter refuses what could reach the database as a query key or a wrong type', () => {
  it.each([
    ['$where', property('$where', 'eq', 'sleep(1000)')],
    ['$regex as a name', property('$regex', 'eq', '.*')],
    ['a dotted path', property('info.id', 'eq', 'debian')],
    ['a $-prefixed path', property('$or', 'eq', 'x')],
    ['__proto__', property('__proto__', 'eq', 'x')],
    ['tenant_id', property('tenant_id', 'eq', 'x')],
  ])('%s is a 400', (_case, item) => {
    expect(() => parseListFilter(encode([item]), fields)).toThrow(/filter: item 0: unknown property/);
  });

  it.each([
    ['an object value smuggling an operator', property('name', 'eq', { $ne: null })],
    ['a number for a text property', property('name', 'contains', 42)],
    ['a non-boolean for bool', property('online', 'bool', 'maybe')],
    ['gt on text', property('name', 'gt', 'a')],
    ['an unknown operator', property('name', 'regex', 'a')],
  ])('%s is a 400', (_case, item) => {
    expect(() => parseListFilter(encode([item]), fields)).toThrow(/^filter: /);
  });

  it('refuses malformed and oversized filters', () => {
    expect(() => parseListFilter('not base64!', fields)).toThrow(/base64/);
    expect(() => parseListFilter(Buffer.from('{"a":1}').toString('base64'), fields)).toThrow(/JSON array/);
    expect(() => parseListFilter('A'.repeat(9_000), fields)).toThrow(/at most/);
    expect(() => parseListFilter(encode(Array(33).fill(property('name', 'eq', 'a'))), fields)).toThrow(/at most 32 items/);
    expect(() => parseListFilter(encode([{ type: 'operator', params: { name: 'and' } }]), fields)).toThrow(/nothing to combine/);
  });

  it('never lets an arbitrary JSON value through as anything but a 400 or a predicate on allow-listed paths', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          const predicate = parseListFilter(encode(value), fields);
          const keys = JSON.stringify(predicate ?? {}).match(/"[^"]+":/g) ?? [];
          const allowed = new Set(['"name":', '"online":', '"$and":', '"$or":', '"$eq":', '"$ne":', '"$regex":', '"$options":']);
          return keys.every((key) => allowed.has(key));
        } catch (error) {
          return error instanceof Error && error.message.startsWith('filter: ');
        }
      }),
      { numRuns: 500 },
    );
  });

  it('implements lt, and ANDs a trailing group with earlier ones (ShellHub dropped them)', () => {
    const dated: FieldAllowList = { seen: { path: 'last_seen', type: 'date' }, name: { path: 'name', type: 'string' } };
    expect(
      parseListFilter(
        encode([property('seen', 'lt', '2026-01-01T00:00:00Z'), { type: 'operator', params: { name: 'and' } }, property('name', 'eq', 'pi')]),
        dated,
      ),
    ).toEqual({ $and: [{ last_seen: { $lt: new Date('2026-01-01T00:00:00Z') } }, { name: { $eq: 'pi' } }] });
  });
});

describe('parseListFilter with a property evaluated by the caller (a device’s online state, from Redis)', () => {
  it('asks for the members only when the filter names the property, and matches them with $in or $nin', () => {
    let asked = 0;
    const membership: FieldAllowList = {
      name: { path: 'name', type: 'string' },
      online: { path: 'uid', type: 'boolean', members: () => (asked++, ['a', 'b']) },
    };
    expect(parseListFilter(encode([property('name', 'eq', 'pi')]), membership)).toEqual({ name: { $eq: 'pi' } });
    expect(asked).toBe(0);
    expect(parseListFilter(encode([property('online', 'bool', true)]), membership)).toEqual({ uid: { $in: ['a', 'b'] } });
    expect(parseListFilter(encode([property('online', 'eq', 'false')]), membership)).toEqual({ uid: { $nin: ['a', 'b'] } });
    expect(parseListFilter(encode([property('online', 'ne', true)]), membership)).toEqual({ uid: { $nin: ['a', 'b'] } });
    expect(() => parseListFilter(encode([property('online', 'contains', true)]), membership)).toThrow(/^filter: /);
    expect(() => parseListFilter(encode([property('online', 'bool', 'maybe')]), membership)).toThrow(/^filter: /);
  });
});

describe('parseListSort', () => {
  it('sorts by allow-listed properties only', () => {
    expect(parseListSort('name', 'asc', fields, { field: 'name', order: 'desc', tieBreaker: 'uid' })).toEqual({ name: 1, uid: 1 });
    expect(() => parseListSort('$natural', 'asc', fields, { field: 'name', order: 'desc', tieBreaker: 'uid' })).toThrow(/sort_by/);
    expect(() => parseListSort('name', 'sideways', fields, { field: 'name', order: 'desc', tieBreaker: 'uid' })).toThrow(/order_by/);
  });
});
