import { figureValue, runBenchmark, runningAsRoot } from './run-benchmark';

// The agents log in as root, as in the benchmark itself.
const itAsRoot = runningAsRoot ? it : it.skip;

itAsRoot('sessions prints its figures and writes them as JSON', async () => {
  const run = await runBenchmark('bench/sessions/run.sh', { SESSIONS: '4', SESSIONS_AGENTS: '2', SESSIONS_SECONDS: '6', SESSIONS_TYPE_MS: '1000' });
  expect({ status: run.status, tail: run.status === 0 ? '' : run.output.slice(-4000) }).toEqual({ status: 0, tail: '' });
  expect(run.output).toMatch(/opened 4 of 4 sessions/);
  expect(run.output).toMatch(/memory at the start: gateway [\d.]+ MB, agents [\d.]+ MB/);
  expect(run.output).toMatch(/dropped sessions: \d+/);
  expect(run.result?.benchmark).toBe('sessions');
  expect(figureValue(run, 'opened')).toBe(4);
  expect(figureValue(run, 'dropped')).toBeGreaterThanOrEqual(0);
  expect(figureValue(run, 'gateway_rss_end_mb')).toBeGreaterThan(0);
  expect(figureValue(run, 'agents_rss_end_mb')).toBeGreaterThan(0);
  expect(figureValue(run, 'echo_p50_ms')).toBeGreaterThan(0);
});
