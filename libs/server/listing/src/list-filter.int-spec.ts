import fc from 'fast-check';
import type { Model } from 'mongoose';
import { type DeviceDocument } from '@fleetgate/data-access';
import { createTestContext, factory, type TestContext } from '@fleetgate/testing';
import { type FieldAllowList, parseListFilter } from './list-filter';

/** Devices online in this test: `online` is not stored, it is a membership the caller supplies (Redis in the API). */
const onlineUids = new Set<string>();

const fields: FieldAllowList = {
  name: { path: 'name', type: 'string' },
  online: { path: 'uid', type: 'boolean', members: () => [...onlineUids] },
  tags: { path: 'tags', type: 'strings' },
  last_seen: { path: 'last_seen', type: 'date' },
};

type Item =
  | { type: 'property'; params: { name: string; operator: string; value: unknown } }
  | { type: 'operator'; params: { name: 'and' | 'or' } };

const encode = (items: unknown) => Buffer.from(JSON.stringify(items)).toString('base64');
const TAGS = ['kitchen', 'garage', 'office'];
const DAY = 86_400_000;
const EPOCH = Date.UTC(2026, 0, 1);

/** What a filter means, evaluated in plain JavaScript: the reference the database's answer must agree with. */
function reference(items: Item[], device: DeviceDocument): boolean {
  const groups: boolean[] = [];
  let pending: boolean[] = [];
  for (const item of items) {
    if (item.type === 'operator') {
      groups.push(item.params.name === 'and' ? pending.every(Boolean) : pending.some(Boolean));
      pending = [];
      continue;
    }
    const { name, operator, value } = item.params;
    const actual = device[name as keyof DeviceDocument];
    if (name === 'name' && operator === 'contains') pending.push(String(actual).toLowerCase().includes(String(value).toLowerCase()));
    else if (name === 'tags') pending.push((value as string[]).every((tag) => device.tags.includes(tag)));
    else if (name === 'online') pending.push(onlineUids.has(device.uid) === value);
    else if (name === 'last_seen') {
      const threshold = new Date(value as string).getTime();
      pending.push(operator === 'gt' ? device.last_seen.getTime() > threshold : device.last_seen.getTime() < threshold);
    } else if (operator === 'eq') pending.push(actual === value);
    else pending.push(actual !== value);
  }
  if (pending.length > 0) groups.push(pending.some(Boolean));
  return groups.every(Boolean);
}

const property: fc.Arbitrary<Item> = fc.oneof(
  fc.stringMatching(/^[a-d]{1,2}$/).map((value) => ({ type: 'property' as const, params: { name: 'name', operator: 'contains', value } })),
  fc.constantFrom('eq', 'ne').chain((operator) =>
    fc.constantFrom('abc', 'bad', 'cab').map((value) => ({ type: 'property' as const, params: { name: 'name', operator, value } })),
  ),
  fc.boolean().map((value) => ({ type: 'property' as const, params: { name: 'online', operator: 'bool', value } })),
  fc.subarray(TAGS, { minLength: 1 }).map((value) => ({ type: 'property' as const, params: { name: 'tags', operator: 'contains', value } })),
  fc.tuple(fc.constantFrom('gt', 'lt'), fc.integer({ min: 0, max: 30 })).map(([operator, day]) => ({
    type: 'property' as const,
    params: { name: 'last_seen', operator, value: new Date(EPOCH + day * DAY + DAY / 2).toISOString() },
  })),
);

/** Valid RPN filters: groups of 1-3 properties, each closed by and/or except possibly the last. */
const filters: fc.Arbitrary<Item[]> = fc
  .array(fc.tuple(fc.array(property, { minLength: 1, maxLength: 3 }), fc.constantFrom<'and' | 'or' | null>('and', 'or', null)), {
    minLength: 1,
    maxLength: 3,
  })
  .map((groups) =>
    groups.flatMap(([properties, operator], index) =>
      operator === null && index < groups.length - 1
        ? [...properties, { type: 'operator' as const, params: { name: 'and' as const } }]
        : operator === null
          ? properties
          : [...properties, { type: 'operator' as const, params: { name: operator } }],
    ),
  );

describe('the list filter language against the real database', () => {
  let context: TestContext;
  let devices: Model<DeviceDocument>;
  const tenantId = 'eeeeeeee-0000-4000-8000-000000000005';

  beforeAll(async () => {
    context = await createTestContext(__filename);
    devices = context.models.devices;
    const names = ['abc', 'bad', 'cab', 'dab', 'ABD', 'cd', 'a', 'bcd', 'dd', 'ca'];
    const random = fc.sample(fc.tuple(fc.boolean(), fc.subarray(TAGS), fc.integer({ min: 0, max: 30 })), { numRuns: 30, seed: 42 });
    const arranged = random.map(([online, tags, day], index) => {
      const device = factory.device({ tenant_id: tenantId, name: `${names[index % names.length]}${index >= names.length ? index : ''}`, tags, last_seen: new Date(EPOCH + day * DAY) });
      if (online) onlineUids.add(device.uid);
      return device;
    });
    await devices.insertMany(arranged);
  });
  afterAll(() => context.close());

  it('agrees with a reference evaluation for random valid filters', async () => {
    const all = await devices.find({ tenant_id: tenantId }).lean<DeviceDocument[]>();
    await fc.assert(
      fc.asyncProperty(filters, async (items) => {
        const predicate = parseListFilter(encode(items), fields) ?? {};
        const found = await devices.find({ $and: [{ tenant_id: tenantId }, predicate] }).lean<DeviceDocument[]>();
        const expected = all.filter((device) => reference(items, device)).map((device) => device.uid).sort();
        expect(found.map((device) => device.uid).sort()).toEqual(expected);
      }),
      { numRuns: 60, seed: 20261123 },
    );
  }, 120_000);

  it('matches search text literally, so regex syntax in it has no power', async () => {
    const predicate = parseListFilter(encode([{ type: 'property', params: { name: 'name', operator: 'contains', value: '.*' } }]), fields);
    expect(await devices.countDocuments({ $and: [{ tenant_id: tenantId }, predicate ?? {}] })).toBe(0);
  });
});
