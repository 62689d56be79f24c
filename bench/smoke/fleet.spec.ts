import { figureValue, runBenchmark } from './run-benchmark';

it('fleet prints its figures and writes them as JSON', async () => {
  const run = await runBenchmark('bench/fleet/run.sh', { FLEET_DEVICES: '20', FLEET_SETTLE_MS: '1500' });
  expect({ status: run.status, tail: run.status === 0 ? '' : run.output.slice(-4000) }).toEqual({ status: 0, tail: '' });
  expect(run.output).toMatch(/cold start: all tunnels up in [\d.]+ s/);
  expect(run.output).toMatch(/reconnect storm: p50/);
  expect(run.output).toMatch(/gateway memory after the storm: \d+ MB/);
  expect(run.result?.benchmark).toBe('fleet-20');
  expect(figureValue(run, 'gateway_rss_mb')).toBeGreaterThan(0);
  expect(figureValue(run, 'storm_all_back_s')).toBeGreaterThanOrEqual(0);
  expect(figureValue(run, 'storm_api_errors')).toBeGreaterThanOrEqual(0);
  expect(figureValue(run, 'presence_last_seen_per_min')).toBeGreaterThanOrEqual(0);
});
