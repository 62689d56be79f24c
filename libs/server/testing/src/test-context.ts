import { createHash, randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import IORedis, { type Redis } from 'ioredis';
import mongoose, { type Connection } from 'mongoose';
import { loadTestServices, type TestServices } from '@fleetgate/config';
import { type RawModels, registerModels } from '@fleetgate/data-access';
import { workspaceRoot } from './workspace-root';

export interface TestContext {
  services: TestServices;
  /** A database of this test file's own on the real server; dropped by `close()`. */
  databaseName: string;
  /** Prefix for every Redis key this test file writes; its keys are deleted by `close()`. */
  redisPrefix: string;
  connection: Connection;
  /** Raw models on `connection`, for arranging and inspecting documents behind the repositories' backs. */
  models: RawModels;
  redis: Redis;
  close(): Promise<void>;
}

/**
 * Connects to the real MongoDB-compatible server and Redis with names of this test file's own, so test files
 * running side by side never see each other's data. Call it in `beforeAll` and `close()` in `afterAll`.
 */
export async function createTestContext(
  testFile: string,
  /**
   * Other servers than the suite's: FerretDB on PostgreSQL for the fleet tests; a database server and a Redis of
   * the test's own for the fault tests, which restart them.
   */
  options: { mongoUrl?: string; redisUrl?: string } = {},
): Promise<TestContext> {
  const configured = loadTestServices(workspaceRoot());
  const services = { ...configured, mongoUrl: options.mongoUrl ?? configured.mongoUrl, redisUrl: options.redisUrl ?? configured.redisUrl };
  const id = `${createHash('sha1').update(testFile).digest('hex').slice(0, 8)}_${randomBytes(3).toString('hex')}`;
  const label = basename(testFile).replace(/[^A-Za-z0-9]/g, '_').slice(0, 30);
  const databaseName = `test_${label}_${id}`.slice(0, 63);
  const redisPrefix = `test:${id}`;

  const connection = mongoose.createConnection(services.mongoUrl, {
    dbName: databaseName,
    serverSelectionTimeoutMS: 5_000,
  });
  await connection.asPromise();
  const models = registerModels(connection);
  // Unique indexes are the invariants under test: build them before any test writes.
  await Promise.all(Object.values(connection.models).map((model) => model.init()));

  const redis = new IORedis(services.redisUrl, { maxRetriesPerRequest: null, lazyConnect: false });

  return {
    services,
    databaseName,
    redisPrefix,
    connection,
    models,
    redis,
    async close() {
      await connection.dropDatabase().catch(() => undefined);
      await connection.close();
      await deleteKeys(redis, `${redisPrefix}*`);
      redis.disconnect();
    },
  };
}

async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
