import type { Environment } from '@fleetgate/config';
import type { TestContext } from './test-context';

/** The environment a server app needs to run against this test file's own database and Redis prefix. */
export function serverEnvironment(context: TestContext, overrides: Record<string, string> = {}): Environment {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    MONGO_URL: context.services.mongoUrl,
    MONGO_DATABASE: context.databaseName,
    REDIS_URL: context.services.redisUrl,
    REDIS_PREFIX: context.redisPrefix,
    // Tests sign in and sign up many times from one address; the limit has tests of its own that turn it on.
    AUTH_RATE_LIMIT_PER_MINUTE: '0',
    ...overrides,
  };
}
