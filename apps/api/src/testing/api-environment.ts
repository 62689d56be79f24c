import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadApiConfig } from '@fleetgate/config';
import { bootHttpApp, type RunningHttpApp, serverEnvironment, type TestContext } from '@fleetgate/testing';
import { createApiApplication } from '../bootstrap';

/** A platform key folder of the test's own, so tests never write keys where a local run keeps them. */
export function temporaryKeyDirectory(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'fleetgate-keys-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * The api booted in this process on the test file's database and Redis prefix, with a key folder of its own;
 * `close()` stops it and removes the keys.
 */
export async function startApi(
  context: TestContext,
  variables: Record<string, string> = {},
): Promise<RunningHttpApp> {
  const keys = temporaryKeyDirectory();
  const api = await bootHttpApp(() =>
    createApiApplication(
      loadApiConfig(serverEnvironment(context, { PLATFORM_KEY_DIR: keys.path, ...variables })),
    ),
  );
  return {
    ...api,
    async close() {
      await api.close();
      keys.remove();
    },
  };
}
