import { join } from 'node:path';
import { createProjectGraphAsync } from '@nx/devkit';
import { spawnSync } from 'node:child_process';

const root = join(__dirname, '..', '..', '..');

/** Lints a would-be source file in the workspace and returns the module-boundary complaints. */
async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  // The real ESLint CLI, as `nx lint` runs it (its flat config is ESM, which Jest's VM cannot import).
  const run = spawnSync(
    process.execPath,
    [join(root, 'node_modules/eslint/bin/eslint.js'), '--stdin', '--stdin-filename', join(root, filePath), '--format', 'json'],
    { cwd: root, input: code, encoding: 'utf8' },
  );
  const [result] = JSON.parse(run.stdout) as Array<{ messages: Array<{ ruleId: string | null; message: string }> }>;
  return result.messages
    .filter((message) =>
      ['@nx/enforce-module-boundaries', 'no-restricted-syntax', '@typescript-eslint/no-restricted-imports'].includes(
        message.ruleId ?? '',
      ),
    )
    .map((message) => message.message);
}

describe('module boundaries', () => {
  beforeAll(async () => {
    // The lint rule reads the cached project graph; build it the way `nx lint` does.
    await createProjectGraphAsync({ exitOnError: false });
  }, 120_000);

  it('forbids an app importing another app', async () => {
    const errors = await boundaryErrors('apps/api/src/probe.ts', "import { createSshApplication } from '../../ssh/src/bootstrap';\nvoid createSshApplication;\n");
    expect(errors.join('\n')).toMatch(/relative or absolute path|can not depend|not allowed/i);
  });

  it('forbids a lib importing an app', async () => {
    const errors = await boundaryErrors(
      'libs/server/errors/src/probe.ts',
      "import { createApiApplication } from '../../../../apps/api/src/bootstrap';\nvoid createApiApplication;\n",
    );
    expect(errors.length).toBeGreaterThan(0);
  });

  it('forbids the agent importing server libs', async () => {
    const errors = await boundaryErrors('apps/agent/src/probe.ts', "import { AppException } from '@fleetgate/errors';\nvoid AppException;\n");
    expect(errors.join('\n')).toMatch(/scope:agent/);
  });

  it('forbids production code importing the testing lib', async () => {
    const errors = await boundaryErrors('apps/api/src/probe.ts', "import { factory } from '@fleetgate/testing';\nvoid factory;\n");
    expect(errors.join('\n')).toMatch(/type:app/);
  });

  it('forbids reading process.env outside the config lib', async () => {
    const errors = await boundaryErrors('libs/server/queue/src/probe.ts', 'export const url = process.env.REDIS_URL;\n');
    expect(errors.join('\n')).toMatch(/@fleetgate\/config/);
  });

  it('forbids raw database and Redis clients outside the data-access, queue and testing libs', async () => {
    const rawClients =
      "import mongoose from 'mongoose';\nimport { InjectModel } from '@nestjs/mongoose';\nimport IORedis from 'ioredis';\n" +
      'void mongoose;\nvoid InjectModel;\nvoid IORedis;\n';
    for (const probe of ['libs/server/devices/src/probe.ts', 'apps/worker/src/probe.int-spec.ts']) {
      const errors = await boundaryErrors(probe, rawClients);
      expect({ probe, errors: errors.filter((error) => /import is restricted/.test(error)).length }).toEqual({ probe, errors: 3 });
    }
    for (const owner of ['libs/server/data-access/src/probe.ts', 'libs/server/queue/src/probe.ts']) {
      expect({ owner, errors: await boundaryErrors(owner, rawClients) }).toEqual({ owner, errors: [] });
    }
  });

  it('lets any project name the raw clients’ types, which cannot open a connection', async () => {
    const typeOnly = "import type { Redis } from 'ioredis';\nimport type { Model } from 'mongoose';\nexport type Clients = [Redis, Model<object>];\n";
    expect(await boundaryErrors('libs/server/identity/src/probe.ts', typeOnly)).toEqual([]);
  });

  it('lets an app use libs through their public alias', async () => {
    const errors = await boundaryErrors('apps/api/src/probe.ts', "import { AppException } from '@fleetgate/errors';\nvoid AppException;\n");
    expect(errors).toEqual([]);
  });
});
