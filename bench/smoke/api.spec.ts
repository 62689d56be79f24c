import { figureValue, runBenchmark } from './run-benchmark';

it('api prints its figures, its query plans, and writes them as JSON', async () => {
  const run = await runBenchmark('bench/api/run.sh', { API_DEVICES: '100', API_SESSIONS: '500', API_SECONDS: '2', API_AUTH_REQUESTS: '50', API_CONNECTIONS: '2' });
  expect({ status: run.status, tail: run.status === 0 ? '' : run.output.slice(-4000) }).toEqual({ status: 0, tail: '' });
  expect(run.output).toMatch(/GET \/healthcheck\s+[\d.]+ req\/s/);
  expect(run.output).toMatch(/GET \/api\/devices \(page of 100.*req\/s/);
  expect(run.output).toMatch(/POST \/api\/devices\/auth.*req\/s/);
  expect(run.output).toMatch(/plan: device list page: /);
  expect(run.result?.benchmark).toBe('api-ferretdb-sqlite');
  // A route slower than the tiny run's seconds completes no request on a loaded machine: the figure is still there.
  expect(figureValue(run, 'healthcheck.rps')).toBeGreaterThan(0);
  for (const route of ['devices', 'sessions', 'auth', 'login']) expect(figureValue(run, `${route}.rps`)).toBeGreaterThanOrEqual(0);
  // Every route answered 2xx: a benchmark of refusals would measure nothing.
  for (const route of ['devices', 'sessions', 'auth', 'login']) expect(figureValue(run, `${route}.failed`)).toBe(0);
  expect(run.result?.figures.find((figure) => figure.key === 'devices.rps')?.ratio).toBeGreaterThan(0);
  expect(Object.keys((run.result?.details?.plans ?? {}) as object)).toContain('device list page');
});
