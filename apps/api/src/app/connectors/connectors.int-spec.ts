import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type ConnectorDocument } from '@fleetgate/data-access';
import { createTestContext, freePort, type RunningHttpApp, type TestContext } from '@fleetgate/testing';
import { startApi } from '../../testing/api-environment';
import { readJson } from '../../testing/http';
import { newMember, newOwner, type TestMember } from '../../testing/members';

/** `docker info` of a Docker 27 engine, recorded in Docker Engine API v1.47's shape. */
const recordedEngineInfo = JSON.parse(
  readFileSync(join(__dirname, '__fixtures__', 'docker-engine-info.json'), 'utf8'),
) as Record<string, unknown>;

interface ConnectorJson {
  uid: string;
  tenant_id: string;
  enable: boolean;
  address: string;
  port: number;
  secure: boolean;
  status: { state: string; message: string };
  tls: { ca: string; cert: string; key?: string } | null;
}

const clientKeyPem = generateKeyPairSync('ec', {
  namedCurve: 'P-256',
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
}).privateKey;
const certificatePem = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2Zm\n-----END CERTIFICATE-----\n';
const tls = { ca: certificatePem, cert: certificatePem, key: clientKeyPem };

/** A stand-in Docker engine on a real socket: it answers `GET /info` as a real engine does. */
function startFakeEngine(): Promise<{ server: Server; port: number; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    if (request.method === 'GET' && request.url?.replace(/^\/v[\d.]+/, '') === '/info') {
      response.writeHead(200, { 'content-type': 'application/json', 'api-version': '1.47' });
      response.end(JSON.stringify(recordedEngineInfo));
    } else {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ message: 'page not found' }));
    }
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, port: (server.address() as AddressInfo).port, requests }),
    ),
  );
}

describe('connectors: /api/connector', () => {
  let context: TestContext;
  let api: RunningHttpApp;
  let owner: TestMember;
  let engine: Awaited<ReturnType<typeof startFakeEngine>>;

  const call = (member: TestMember | null, method: string, path: string, body?: unknown) =>
    fetch(`${api.url}${path}`, {
      method,
      headers: {
        ...(member ? { authorization: member.authorization } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const create = async (member: TestMember, body: Record<string, unknown>) => {
    const response = await call(member, 'POST', '/api/connector', body);
    expect(response.status).toBe(200);
    return readJson<ConnectorJson>(response);
  };
  const message = async (response: Response) => (await readJson<{ message: string }>(response)).message;

  beforeAll(async () => {
    context = await createTestContext(__filename);
    // The fake engine listens on loopback, which a production deployment refuses (see the SSRF test below).
    api = await startApi(context, { CONNECTOR_ALLOW_PRIVATE_ADDRESSES: 'true' });
    owner = await newOwner(api);
    engine = await startFakeEngine();
  });
  afterAll(async () => {
    if (engine) await new Promise((resolve) => engine.server.close(resolve));
    await api?.close();
    await context.close();
  });

  it('creates, gets, lists, updates and deletes a connector in ShellHub’s shape', async () => {
    const created = await create(owner, {
      enable: true,
      address: '127.0.0.1',
      port: 2375,
      secure: false,
      tls: null,
    });
    expect(created).toEqual({
      uid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      tenant_id: owner.tenantId,
      enable: true,
      address: '127.0.0.1',
      port: 2375,
      secure: false,
      status: { state: 'unknown', message: '' },
      tls: null,
      created_at: expect.any(String),
    });
    expect(await readJson<ConnectorJson>(await call(owner, 'GET', `/api/connector/${created.uid}`))).toEqual(
      created,
    );

    const disabled = await create(owner, { enable: false, address: 'docker.internal.example', port: 2376 });
    const all = await call(owner, 'GET', '/api/connector?page=1&per_page=10');
    expect(all.headers.get('x-total-count')).toBe('2');
    const enabledOnly = await call(owner, 'GET', '/api/connector?enable=true');
    expect((await readJson<ConnectorJson[]>(enabledOnly)).map((connector) => connector.uid)).toEqual([
      created.uid,
    ]);
    expect(enabledOnly.headers.get('x-total-count')).toBe('1');
    const secondPage = await call(owner, 'GET', '/api/connector?page=2&per_page=1');
    expect((await readJson<ConnectorJson[]>(secondPage)).map((connector) => connector.uid)).toEqual([
      disabled.uid,
    ]);

    const updated = await call(owner, 'PATCH', `/api/connector/${disabled.uid}`, {
      enable: true,
      port: 2377,
    });
    expect(updated.status).toBe(200);
    expect(await readJson<ConnectorJson>(updated)).toMatchObject({
      enable: true,
      port: 2377,
      address: 'docker.internal.example',
    });

    expect((await call(owner, 'DELETE', `/api/connector/${disabled.uid}`)).status).toBe(200);
    expect((await call(owner, 'GET', `/api/connector/${disabled.uid}`)).status).toBe(404);
    expect((await call(owner, 'DELETE', `/api/connector/${disabled.uid}`)).status).toBe(404);
  });

  it('stores the TLS private key encrypted and never answers it', async () => {
    const created = await create(owner, { address: 'engine.example.com', port: 2376, secure: true, tls });
    expect(created.tls).toEqual({ ca: certificatePem, cert: certificatePem });

    const stored = await context.models.connectors
      .findOne({ uid: created.uid })
      .lean<ConnectorDocument>();
    expect(stored?.tls?.key_sealed).toMatch(/^v1:/);
    expect(JSON.stringify(stored)).not.toContain('PRIVATE KEY');
    expect(JSON.stringify(await readJson(await call(owner, 'GET', '/api/connector')))).not.toContain(
      'PRIVATE KEY',
    );

    // Turning TLS off while secure stays on is refused; turning both off drops the material.
    expect((await call(owner, 'PATCH', `/api/connector/${created.uid}`, { tls: null })).status).toBe(400);
    const plain = await call(owner, 'PATCH', `/api/connector/${created.uid}`, { secure: false, tls: null });
    expect(await readJson<ConnectorJson>(plain)).toMatchObject({ secure: false, tls: null });
  });

  it.each([
    ['no address', { port: 2375 }, /address/],
    [
      'an address with a scheme',
      { address: 'http://127.0.0.1', port: 2375 },
      /address must be a host name or an IP address/,
    ],
    ['a port above 65535', { address: '127.0.0.1', port: 70000 }, /port/],
    ['a port that is not a number', { address: '127.0.0.1', port: '2375' }, /port/],
    ['enable that is not a boolean', { address: '127.0.0.1', port: 2375, enable: 'yes' }, /enable/],
    ['secure without TLS material', { address: '127.0.0.1', port: 2376, secure: true }, /tls/],
    [
      'TLS material that is not PEM',
      { address: '127.0.0.1', port: 2376, secure: true, tls: { ...tls, key: 'secret' } },
      /tls.key must be a PEM block/,
    ],
  ])('refuses %s with a 400 that says why', async (_case, body, problem) => {
    const response = await call(owner, 'POST', '/api/connector', body);
    expect(response.status).toBe(400);
    expect(await message(response)).toMatch(problem);
  });

  it('answers 400 for a malformed uid and for an unknown enable filter', async () => {
    expect((await call(owner, 'GET', '/api/connector/not-a-uuid')).status).toBe(400);
    expect((await call(owner, 'GET', '/api/connector?enable=maybe')).status).toBe(400);
  });

  it('answers the engine’s docker info and marks the connector connected', async () => {
    const connector = await create(owner, { address: '127.0.0.1', port: engine.port });
    const response = await call(owner, 'GET', `/api/connector/${connector.uid}/info`);
    expect(response.status).toBe(200);
    expect(await readJson(response)).toEqual(recordedEngineInfo);
    expect(engine.requests.some((request) => /^GET (\/v[\d.]+)?\/info$/.test(request))).toBe(true);
    const after = await readJson<ConnectorJson>(await call(owner, 'GET', `/api/connector/${connector.uid}`));
    expect(after.status).toEqual({ state: 'connected', message: '' });
  });

  it('answers a generic 502 "engine unreachable" when the engine does not answer, and marks the connector disconnected', async () => {
    const connector = await create(owner, { address: '127.0.0.1', port: await freePort() });
    const response = await call(owner, 'GET', `/api/connector/${connector.uid}/info`);
    expect(response.status).toBe(502);
    // The network error (ECONNREFUSED, a timeout) is not echoed: it would make the API a port scanner.
    expect(await message(response)).toBe('engine unreachable');
    const after = await readJson<ConnectorJson>(await call(owner, 'GET', `/api/connector/${connector.uid}`));
    expect(after.status).toEqual({ state: 'disconnected', message: 'engine unreachable' });
  });

  it('refuses to ask a disabled connector’s engine', async () => {
    const connector = await create(owner, { enable: false, address: '127.0.0.1', port: engine.port });
    expect((await call(owner, 'GET', `/api/connector/${connector.uid}/info`)).status).toBe(400);
  });

  it('applies the role matrix: members read, administrators and owners change', async () => {
    const connector = await create(owner, { address: '127.0.0.1', port: engine.port });
    const path = `/api/connector/${connector.uid}`;
    for (const role of ['observer', 'operator'] as const) {
      const member = await newMember(api, owner.tenantId, role);
      expect((await call(member, 'GET', '/api/connector')).status).toBe(200);
      expect((await call(member, 'GET', path)).status).toBe(200);
      expect((await call(member, 'GET', `${path}/info`)).status).toBe(200);
      expect(
        (await call(member, 'POST', '/api/connector', { address: '127.0.0.1', port: 2375 })).status,
      ).toBe(403);
      expect((await call(member, 'PATCH', path, { port: 2376 })).status).toBe(403);
      expect((await call(member, 'DELETE', path)).status).toBe(403);
    }
    const administrator = await newMember(api, owner.tenantId, 'administrator');
    expect((await call(administrator, 'PATCH', path, { port: engine.port })).status).toBe(200);
    expect((await call(administrator, 'DELETE', path)).status).toBe(200);
    expect((await call(null, 'GET', '/api/connector')).status).toBe(401);
  });

  it('never shows or changes another namespace’s connector: 404', async () => {
    const connector = await create(owner, { address: '127.0.0.1', port: engine.port });
    const stranger = await newOwner(api);
    const path = `/api/connector/${connector.uid}`;
    expect((await call(stranger, 'GET', path)).status).toBe(404);
    expect((await call(stranger, 'GET', `${path}/info`)).status).toBe(404);
    expect((await call(stranger, 'PATCH', path, { port: 1 })).status).toBe(404);
    expect((await call(stranger, 'DELETE', path)).status).toBe(404);
    expect(await readJson(await call(stranger, 'GET', '/api/connector'))).toEqual([]);
  });

  it('does not let a connector reach the platform’s own network unless the deployment allows it', async () => {
    const guarded = await startApi(context);
    try {
      const member = await newOwner(guarded);
      const send = (method: string, path: string, body?: unknown) =>
        fetch(`${guarded.url}${path}`, {
          method,
          headers: { authorization: member.authorization, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      for (const address of ['127.0.0.1', '10.1.2.3', '169.254.169.254', '::1', 'localhost']) {
        const connector = await readJson<ConnectorJson>(
          await send('POST', '/api/connector', { address, port: engine.port }),
        );
        const response = await send('GET', `/api/connector/${connector.uid}/info`);
        expect({ address, status: response.status }).toEqual({ address, status: 400 });
        expect(await message(response)).toMatch(/loopback, private or link-local/);
      }
      expect(engine.requests.length).toBeGreaterThanOrEqual(0);
    } finally {
      await guarded.close();
    }
  });
});
