import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestContext, type RunningHttpApp, type TestContext, workspaceRoot } from '@fleetgate/testing';
import { startApi } from './testing/api-environment';

/** The route groups of the contract that the identity, devices and sessions issues complete. */
const groupsServed = [
  'system',
  'auth',
  'users',
  'mfa',
  'namespaces',
  'members',
  'api keys',
  'devices',
  'containers',
  'connectors',
  'tags',
  'public keys',
  'firewall rules',
  'announcements',
  'billing',
  'sessions',
  'internal',
];

/** Routes of those groups that are deliberately not in the API's document, and why. */
const notServed: Record<string, string> = {
  'GET /healthcheck': 'served, but as an operations endpoint outside the documented API',
  'POST /api/sshkeys/private-keys': 'Fleetgate’s gateway logs in with session assertions (ADR 0002)',
};

/** `METHOD /path` of every route of `groups` in the contract, path parameters written `{}`. */
function contractRoutes(groups: string[]): string[] {
  const text = readFileSync(join(workspaceRoot(), 'apps/api/src/testing/contract/routes.md'), 'utf8');
  const routes: string[] = [];
  let group = '';
  for (const line of text.split('\n')) {
    const heading = /^## (.+)$/.exec(line);
    if (heading) group = heading[1].trim();
    const row = /^\| (GET|POST|PUT|PATCH|DELETE) \| `([^`]+)` \|/.exec(line);
    if (row && groups.includes(group)) routes.push(`${row[1]} ${row[2].replace(/\{[^}]+\}/g, '{}')}`);
  }
  return routes;
}

describe('the OpenAPI document', () => {
  let context: TestContext;
  let api: RunningHttpApp;

  beforeAll(async () => {
    context = await createTestContext(__filename);
    api = await startApi(context);
  });
  afterAll(async () => {
    await api?.close();
    await context.close();
  });

  it('lists every route of the groups served, except the ones left out on purpose', async () => {
    const document = (await (await fetch(`${api.url}/api/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = new Set(
      Object.entries(document.paths).flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\{[^}]+\}/g, '{}')}`),
      ),
    );
    const expected = contractRoutes(groupsServed);
    expect(expected.length).toBeGreaterThan(90);
    const missing = expected.filter((route) => !documented.has(route) && !(route in notServed));
    expect(missing).toEqual([]);
  });

  it('lists the routes beyond the contract: gateway policies and instance administration (issue 12)', async () => {
    const document = (await (await fetch(`${api.url}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented).toEqual(
      expect.arrayContaining([
        'GET /api/gateway/channel-policies',
        'POST /api/gateway/channel-policies',
        'GET /api/gateway/channel-policies/{id}',
        'PUT /api/gateway/channel-policies/{id}',
        'DELETE /api/gateway/channel-policies/{id}',
        'GET /api/gateway/authentication-policy',
        'PUT /api/gateway/authentication-policy',
        'GET /admin/api/settings',
        'PUT /admin/api/settings',
        'PATCH /admin/api/settings',
      ]),
    );
  });
});
