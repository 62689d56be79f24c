import type { INestApplicationContext } from '@nestjs/common';
import { loadWorkerConfig } from '@fleetgate/config';
import { createTestContext, serverEnvironment, type TestContext } from '@fleetgate/testing';
import { createWorkerApplication } from './bootstrap';
import { WorkerHealthService } from './worker-health.service';

describe('worker application (in process, real database and Redis)', () => {
  let context: TestContext;
  let app: INestApplicationContext;

  beforeAll(async () => {
    context = await createTestContext(__filename);
    app = await createWorkerApplication(loadWorkerConfig(serverEnvironment(context, { WORKER_HEALTH_PORT: '0' })));
  });
  afterAll(async () => {
    await app?.close();
    await context.close();
  });

  it('answers its health check', async () => {
    const response = await fetch(`http://127.0.0.1:${app.get(WorkerHealthService).port}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', service: 'worker', checks: { database: 'up', redis: 'up' } });
  });

  it('answers 404 for anything else', async () => {
    const response = await fetch(`http://127.0.0.1:${app.get(WorkerHealthService).port}/metrics`);
    expect(response.status).toBe(404);
  });
});
