import type { Model } from 'mongoose';
import { createTestContext, factory, type TestContext } from '@fleetgate/testing';
import { DEVICE_MODEL, type DeviceDocument } from '../schemas/device.schema';
import { bulkWriteInChunks, chunked, insertManyInChunks, MAX_STATEMENTS_PER_WRITE } from './write-batches';

/** FerretDB hangs on an oversized write instead of failing it: a deadline turns that hang into a failed test. */
function withinSeconds<T>(seconds: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${seconds} s: the database hung`)), seconds * 1000);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

describe('writes in chunks FerretDB can answer', () => {
  let context: TestContext;
  let devices: Model<DeviceDocument>;
  const tenantId = 'abababab-0000-4000-8000-000000000001';
  // Over twice FerretDB's SQLite connection pool (100): as one command this hangs the database (issue 18).
  const COUNT = 120;

  beforeAll(async () => {
    context = await createTestContext(__filename);
    devices = context.connection.model<DeviceDocument>(DEVICE_MODEL);
  });
  afterAll(() => context.close());

  it('splits lists into pieces of the given size', () => {
    expect(chunked([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunked([], 50)).toEqual([]);
    expect(() => chunked([1], 0)).toThrow(/positive integer/);
    expect(MAX_STATEMENTS_PER_WRITE).toBeLessThanOrEqual(50);
  });

  it(`inserts and updates ${COUNT} devices without hanging the database, which keeps answering meanwhile`, async () => {
    const arranged = Array.from({ length: COUNT }, (_, index) => factory.device({ tenant_id: tenantId, name: `chunked-${index}` }));
    await withinSeconds(20, `insertMany of ${COUNT}`, insertManyInChunks(devices, arranged));
    expect(await devices.countDocuments({ tenant_id: tenantId })).toBe(COUNT);

    const seen = new Date();
    const writing = bulkWriteInChunks(
      devices,
      arranged.map((device) => ({
        updateOne: { filter: { tenant_id: tenantId, uid: device.uid }, update: { $set: { last_seen: seen } } },
      })),
    );
    // Another client's read during the write is answered (a hung FerretDB answers nobody).
    const answered = await withinSeconds(20, 'a read during the bulk write', devices.findOne({ tenant_id: tenantId }).lean());
    expect(answered).not.toBeNull();
    await withinSeconds(20, `bulkWrite of ${COUNT}`, writing);
    expect(await devices.countDocuments({ tenant_id: tenantId, last_seen: seen })).toBe(COUNT);
  }, 90_000);
});
