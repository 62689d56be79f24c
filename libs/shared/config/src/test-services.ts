import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { parseEnvironmentFile } from './agent-config';
import { loadConfig } from './config-loader';
import { readProcessEnvironment } from './environment';
import { mongoUrl, redisUrl } from './variables';

const testServicesSchema = z
  .object({
    MONGO_URL: mongoUrl,
    REDIS_URL: redisUrl,
    /** stripe-mock, for the billing tests; the other tests run without it. */
    STRIPE_MOCK_URL: z.string().regex(/^http:\/\/[^\s/]+:\d+\/?$/, 'must be http://host:port').optional(),
  })
  .transform((env) => ({ mongoUrl: env.MONGO_URL, redisUrl: env.REDIS_URL, stripeMockUrl: env.STRIPE_MOCK_URL }));

export type TestServices = z.output<typeof testServicesSchema>;

/**
 * Where the real MongoDB-compatible server and Redis that tests use are: the environment if it names them,
 * else the file `scripts/services.sh up` writes (`.data/services.env` under the workspace root).
 */
export function loadTestServices(workspaceRoot: string): TestServices {
  const environment = readProcessEnvironment();
  let fromFile: Record<string, string> = {};
  const file = join(workspaceRoot, '.data', 'services.env');
  try {
    fromFile = parseEnvironmentFile(readFileSync(file, 'utf8'), file);
  } catch {
    // No file: the environment must name both services, and the loader says so if it does not.
  }
  return loadConfig('tests (run `bash scripts/services.sh up` first)', testServicesSchema, {
    MONGO_URL: environment['MONGO_URL'] ?? fromFile['MONGO_URL'],
    REDIS_URL: environment['REDIS_URL'] ?? fromFile['REDIS_URL'],
    STRIPE_MOCK_URL: environment['STRIPE_MOCK_URL'] ?? fromFile['STRIPE_MOCK_URL'],
  });
}
