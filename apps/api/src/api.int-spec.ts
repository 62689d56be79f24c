import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppExceptionFilter } from '@fleetgate/errors';
import { loadApiConfig } from '@fleetgate/config';
import { bootHttpApp, createTestContext, persist, type RunningHttpApp, serverEnvironment, type TestContext } from '@fleetgate/testing';
import { createApiApplication } from './bootstrap';
import { temporaryKeyDirectory } from './testing/api-environment';

describe('api application (in process, real database and Redis)', () => {
  let context: TestContext;
  let api: RunningHttpApp;
  let keys: ReturnType<typeof temporaryKeyDirectory>;
  const endpoints = { api: 'fleetgate.test:443', ssh: 'fleetgate.test:22', tunnel: 'wss://fleetgate.test/ssh' };

  beforeAll(async () => {
    context = await createTestContext(__filename);
    keys = temporaryKeyDirectory();
    const environment = serverEnvironment(context, {
      PLATFORM_KEY_DIR: keys.path,
      PUBLIC_API_ENDPOINT: endpoints.api,
      PUBLIC_SSH_ENDPOINT: endpoints.ssh,
      PUBLIC_TUNNEL_URL: endpoints.tunnel,
    });
    api = await bootHttpApp(() => createApiApplication(loadApiConfig(environment)));
  });
  afterAll(async () => {
    await api?.close();
    await context.close();
    keys.remove();
  });

  it('answers its health check with every dependency up', async () => {
    const response = await fetch(`${api.url}/healthcheck`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ok',
      service: 'api',
      version: expect.any(String),
      checks: { database: 'up', redis: 'up' },
    });
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('tells clients and agents its version and public endpoints, and whether it is set up yet', async () => {
    const before = await fetch(`${api.url}/info?agent_version=0.17.1`);
    expect(before.status).toBe(200);
    expect(await before.json()).toEqual({
      version: expect.any(String),
      endpoints,
      setup: false,
      billing: { enabled: false, publishable_key: null },
    });

    await persist.user(context.connection);
    expect(await (await fetch(`${api.url}/info`)).json()).toMatchObject({ setup: true });
  });

  it('keeps a caller’s well-formed request id', async () => {
    const response = await fetch(`${api.url}/healthcheck`, { headers: { 'X-Request-Id': 'trace-1234abcd' } });
    expect(response.headers.get('x-request-id')).toBe('trace-1234abcd');
  });

  it('answers an unknown route with the same coded 404 as any missing resource, without echoing the path', async () => {
    for (const [method, path] of [
      ['GET', '/api/nowhere?token=secret'],
      ['DELETE', '/api/devices'],
    ]) {
      const response = await fetch(`${api.url}${path}`, { method });
      expect({ method, status: response.status, body: await response.json() }).toEqual({
        method,
        status: 404,
        body: { code: 'not_found', message: 'route not found' },
      });
    }
  });

  it('answers malformed JSON with a 400 that says so', async () => {
    const response = await fetch(`${api.url}/healthcheck`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"broken":',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'validation_failed' });
  });

  it('answers a JSON body nested 5,000 deep with a 400 that says why, not a 500', async () => {
    const response = await fetch(`${api.url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"username":${'['.repeat(5_000)}${']'.repeat(5_000)},"password":"x"}`,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      code: 'validation_failed',
      message: 'request body is nested more than 64 levels deep',
    });
  });

  it('serves its OpenAPI document', async () => {
    const response = await fetch(`${api.url}/api/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as { info: { title: string }; paths: Record<string, Record<string, unknown>> };
    expect(document.info.title).toBe('Fleetgate API');
    expect(document.paths['/healthcheck'].get).toBeDefined();
    const operations = Object.values(document.paths).flatMap((methods) =>
      Object.values(methods).map((operation) => (operation as { operationId?: string }).operationId),
    );
    expect(operations).toEqual(
      expect.arrayContaining([
        'getInfo',
        'login',
        'authUser',
        'authDevice',
        'authDevice_1',
        'getDevices',
        'getDevice',
        'acceptDevice',
        'updateDeviceStatus',
        'createPublicKey',
        'getPublicKeys',
      ]),
    );
    expect(new Set(operations).size).toBe(operations.length);

    // ShellHub's clients send empty list parameters (`status=`); the document says they mean "absent".
    const deviceList = document.paths['/api/devices'].get as { parameters: Array<{ name: string; description?: string }> };
    for (const name of ['status', 'filter', 'sort_by', 'order_by', 'page', 'per_page']) {
      const parameter = deviceList.parameters.find((candidate) => candidate.name === name);
      expect({ name, description: parameter?.description }).toEqual({
        name,
        description: expect.stringContaining('An empty value (`status=`) means the same as leaving the parameter out'),
      });
    }
  });
});

describe('api error mapping', () => {
  @Controller('boom')
  class BoomController {
    @Get()
    explode(): never {
      throw new Error('database password is hunter22');
    }
  }
  @Module({ controllers: [BoomController] })
  class BoomModule {}

  it('turns an unknown error into a 500 with an error id and no internals', async () => {
    const running = await bootHttpApp(async () => {
      const app = await NestFactory.create(BoomModule, { logger: false });
      app.useGlobalFilters(new AppExceptionFilter());
      return app;
    });
    try {
      const response = await fetch(`${running.url}/boom`);
      expect(response.status).toBe(500);
      const body = await response.json();
      expect(body).toEqual({
        code: 'internal',
        message: 'internal server error',
        errorId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
      expect(JSON.stringify(body)).not.toContain('hunter22');
    } finally {
      await running.close();
    }
  });
});
