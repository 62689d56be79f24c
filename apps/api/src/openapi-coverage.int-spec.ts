import { createTestContext, type RunningHttpApp, type TestContext } from '@fleetgate/testing';
import { startApi } from './testing/api-environment';
import { contractRoutes, contractRoutesMissingFrom, type OpenApiDocument } from './testing/openapi-operations';

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
    const document = (await (await fetch(`${api.url}/api/openapi.json`)).json()) as OpenApiDocument;
    expect(contractRoutes(groupsServed).length).toBeGreaterThan(90);
    const missing = contractRoutesMissingFrom(document, groupsServed);
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
