import { generateKeyPairSync, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { type PlatformKeys, signDeviceToken } from '@fleetgate/auth';
import { PLATFORM_KEYS } from '@fleetgate/identity';
import { createTestContext, type RunningHttpApp, type TestContext } from '@fleetgate/testing';
import { startApi } from './testing/api-environment';
import {
  contractRoutesMissingFrom,
  databaseSnapshot,
  fetchOpenApiDocument,
  type OpenApiDocument,
  type Operation,
  operationsOf,
  sampleOf,
} from './testing/openapi-operations';
import { arrangeTenant, fillPath, type TenantFixture } from './testing/tenant-fixture';

/**
 * The authorisation matrix, generated from the API's own OpenAPI document: every documented operation is called by
 * every kind of caller that must not get through (issue 15 item 1; field-lessons 4.1: cross-tenant reads and
 * writes, API keys beyond their reach, routes without authorisation). The hand-written role matrix
 * (role-matrix.int-spec.ts) stays the second, independent opinion on who may do what inside a namespace.
 *
 * Requests aim at the victim namespace's real resources, with a body that passes validation where the document
 * lets us build one, so that the caller is the only thing wrong with them.
 */

/** Routes that a device token is meant for: the agent reports its own device offline. */
const deviceRoutes = new Set(['PUT /api/devices/{uid}/offline', 'POST /internal/devices/{uid}/offline']);

/**
 * Namespace-scoped writes that every member may make, observers included, and why. Any other write of a namespace
 * refuses an observer.
 */
const observerWrites: Record<string, string> = {
  'POST /api/devices/{uid}/terminal': 'every member may open the web terminal (ShellHub v0.17.1); the device checks the login',
  'DELETE /api/namespaces/{tenant}/members': 'leaving a namespace is each member’s own choice',
  'POST /api/billing/evaluate': 'a question, not a change: whether the namespace may take one more device (any member)',
};

const refused = [401, 403, 404];
/**
 * Another tenant's caller, authenticated, with a body: validation runs before any lookup, so a 400 about the body
 * (`validation_failed`) is a refusal that says nothing about the victim's resource. Any other 400 is not.
 */
const refusedWithBody = [...refused, 400];

interface Attempt {
  case: string;
  operation: Operation;
  headers: Record<string, string>;
  /** Whether the victim's resources may appear in the answer (the caller belongs to the victim's namespace). */
  insider: boolean;
  /** The statuses that pass; undefined: any status below 500 (a read in the caller's own namespace). */
  expected?: number[];
  /** The path with another namespace's resources, when the case needs one. */
  path?: string;
}

interface Outcome {
  attempt: Attempt;
  url: string;
  status: number;
  problem?: string;
}

describe('the authorisation matrix, generated from the OpenAPI document', () => {
  let context: TestContext;
  let api: RunningHttpApp;
  let document: OpenApiDocument;
  let operations: Operation[];
  let victim: TenantFixture;
  let intruder: TenantFixture;

  beforeAll(async () => {
    context = await createTestContext(__filename);
    api = await startApi(context);
    document = await fetchOpenApiDocument(api.url);
    operations = operationsOf(document);
    victim = await arrangeTenant(api, context);
    intruder = await arrangeTenant(api, context);
  }, 120_000);
  afterAll(async () => {
    await api?.close();
    await context.close();
  });

  it('documents every route of the contract (a route missing from the document is a route the matrix skips)', () => {
    expect(contractRoutesMissingFrom(document)).toEqual([]);
    expect(operations.length).toBeGreaterThan(120);
  });

  it('refuses every caller that must not get through, on every documented operation, and leaks nothing', async () => {
    const keys = api.app.get<PlatformKeys>(PLATFORM_KEYS);
    const now = Math.floor(Date.now() / 1000);
    const victimClaims = {
      claims: 'user',
      id: victim.owner.userId,
      tenant: victim.tenantId,
      name: victim.owner.username,
      mfa: false,
      epoch: 0,
      auth_time: now - 7200,
    };
    const expiredToken = jwt.sign({ ...victimClaims, iat: now - 7200, nbf: now - 7200, exp: now - 60 }, keys.privateKeyPem, {
      algorithm: 'RS256',
      jwtid: randomUUID(),
    });
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    const foreignToken = jwt.sign({ ...victimClaims, auth_time: now, iat: now, nbf: now, exp: now + 3600 }, otherKey, {
      algorithm: 'RS256',
      jwtid: randomUUID(),
    });
    const victimDeviceToken = signDeviceToken(keys, { uid: victim.deviceUid, tenantId: victim.tenantId });
    const intruderDeviceToken = signDeviceToken(keys, { uid: intruder.deviceUid, tenantId: intruder.tenantId });

    const attempts: Attempt[] = [];
    for (const operation of operations) {
      const secured = operation.security.length > 0;
      const hasPathParameters = operation.path.includes('{');
      const namespaced = operation.parameters.some(({ in: at, name }) => at === 'header' && name === 'X-Tenant-ID');
      const write = operation.method !== 'GET';
      const add = (attempt: Omit<Attempt, 'operation'>) => attempts.push({ ...attempt, operation });
      const outsider = secured ? refused : undefined;

      add({ case: 'no credentials', headers: {}, insider: false, expected: outsider });
      if (!secured) {
        // Public routes: whoever calls, no 500 and none of the victim's data.
        add({ case: 'another tenant’s user token', headers: { authorization: intruder.owner.authorization }, insider: false });
        continue;
      }
      add({ case: 'expired token', headers: { authorization: `Bearer ${expiredToken}` }, insider: false, expected: refused });
      add({ case: 'token signed by another key', headers: { authorization: `Bearer ${foreignToken}` }, insider: false, expected: refused });
      if (hasPathParameters || !write) {
        // Aimed at the victim's resources: refused. A read of the caller's own namespace: allowed, but no leak.
        const expected = hasPathParameters ? (operation.body ? refusedWithBody : refused) : undefined;
        add({ case: 'another tenant’s user token', headers: { authorization: intruder.owner.authorization }, insider: false, expected });
        add({ case: 'another tenant’s API key', headers: { 'x-api-key': intruder.apiKey }, insider: false, expected });
      }
      if (namespaced) {
        add({
          case: 'another tenant’s user token naming the victim in X-Tenant-ID',
          headers: { authorization: intruder.owner.authorization, 'x-tenant-id': victim.tenantId },
          insider: false,
          expected: refused,
        });
        if (!write) {
          // An API key acts in its own namespace whatever the header says.
          add({
            case: 'another tenant’s API key naming the victim in X-Tenant-ID',
            headers: { 'x-api-key': intruder.apiKey, 'x-tenant-id': victim.tenantId },
            insider: false,
          });
        }
      }
      if (namespaced && write && !(operation.route in observerWrites)) {
        add({ case: 'observer on a write', headers: { authorization: victim.observer.authorization }, insider: true, expected: [403] });
      }
      if (operation.path.startsWith('/api/namespaces/api-key') && write) {
        add({ case: 'API key on API-key management', headers: { 'x-api-key': victim.apiKey }, insider: true, expected: [403] });
      }
      if (deviceRoutes.has(operation.route)) {
        add({
          case: 'device token on another namespace’s device',
          headers: { authorization: `Bearer ${intruderDeviceToken}` },
          insider: false,
          expected: refused,
        });
      } else {
        add({ case: 'device token on a user route', headers: { authorization: `Bearer ${victimDeviceToken}` }, insider: false, expected: refused });
      }
    }

    // Only the victim's documents: the intruder's own reads (a token renewal, say) may lawfully touch its own.
    const victimIds = [victim.tenantId, victim.owner.userId, victim.observer.userId];
    const victimsOnly = (json: string) => victimIds.some((id) => json.includes(id));
    const before = await databaseSnapshot(context.connection, victimsOnly);
    const outcomes: Outcome[] = [];
    // One at a time: every attempt should be refused, so none changes what the next one sees.
    for (const attempt of attempts) outcomes.push(await send(attempt));
    const after = await databaseSnapshot(context.connection, victimsOnly);

    const problems = outcomes.filter(({ problem }) => problem);
    const byCase = new Map<string, Record<number, number>>();
    for (const { attempt, status } of outcomes) {
      const counts = byCase.get(attempt.case) ?? {};
      counts[status] = (counts[status] ?? 0) + 1;
      byCase.set(attempt.case, counts);
    }
    process.stdout.write(
      `authorisation matrix: ${operations.length} operations, ${outcomes.length} requests\n` +
        [...byCase].map(([name, counts]) => `  ${name}: ${JSON.stringify(counts)}`).join('\n') +
        '\n',
    );
    expect(problems.map(({ attempt, url, status, problem }) => `${attempt.case}: ${attempt.operation.method} ${url} → ${status}: ${problem}`)).toEqual([]);
    expect(after).toEqual(before);
  }, 300_000);

  async function send(attempt: Attempt): Promise<Outcome> {
    const { operation } = attempt;
    const secured = operation.security.length > 0;
    const query = new URLSearchParams();
    for (const parameter of operation.parameters) {
      if (parameter.in !== 'query' || !parameter.required) continue;
      query.set(parameter.name, parameter.name === 'device' ? victim.deviceUid : String(sampleOf(document, parameter.schema)));
    }
    const path = fillPath(operation.path, victim);
    const search = query.toString();
    const url = `${path}${search ? `?${search}` : ''}`;
    const body = operation.body === undefined ? undefined : JSON.stringify(secured ? sampleOf(document, operation.body) : {});
    const response = await fetch(`${api.url}${url}`, {
      method: operation.method,
      headers: { ...attempt.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body,
      redirect: 'manual',
    });
    const text = await response.text();
    const outcome: Outcome = { attempt, url, status: response.status };
    if (response.status >= 500) outcome.problem = `server error: ${text.slice(0, 200)}`;
    else if (attempt.expected && !attempt.expected.includes(response.status)) {
      outcome.problem = `expected ${attempt.expected.join('/')}: ${text.slice(0, 200)}`;
    } else if (response.status === 400 && attempt.expected && !text.includes('"code":"validation_failed"')) {
      outcome.problem = `a 400 that is not about the request's shape: ${text.slice(0, 200)}`;
    } else if (!attempt.insider) {
      // Values the caller sent are not a leak when echoed (an error naming the path, say).
      const sent = `${url} ${JSON.stringify(attempt.headers)}`;
      const leaked = victim.secrets.filter((secret) => text.includes(secret) && !sent.includes(secret));
      if (leaked.length > 0) outcome.problem = `answer names the victim’s ${leaked.join(', ')}`;
    }
    return outcome;
  }
});
