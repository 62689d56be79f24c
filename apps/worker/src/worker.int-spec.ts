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

  it('serves Prometheus metrics: queue depth by state, job durations and failures', async () => {
    const response = await fetch(`http://127.0.0.1:${app.get(WorkerHealthService).port}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    for (const queue of ['email', 'cleanup', 'recordings']) {
      expect(text).toMatch(new RegExp(`fleetgate_queue_jobs\\{queue="${queue}",state="waiting"\\} \\d+`));
    }
    expect(text).toContain('# TYPE fleetgate_job_duration_seconds histogram');
    expect(text).toContain('# TYPE fleetgate_job_failures_total counter');
    // The part every app shares (AppMetrics): event-loop delay.
    expect(text).toMatch(/^fleetgate_nodejs_eventloop_lag_p99_seconds [\d.e+-]+$/m);
  });

  it('answers liveness on /livez and readiness on /readyz', async () => {
    const port = app.get(WorkerHealthService).port;
    expect((await fetch(`http://127.0.0.1:${port}/livez`)).status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', service: 'worker' });
  });

  it('answers 404 for anything else', async () => {
    const response = await fetch(`http://127.0.0.1:${app.get(WorkerHealthService).port}/nothing-here`);
    expect(response.status).toBe(404);
  });
});
