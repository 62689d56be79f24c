import { figureValue, runBenchmark, runningAsRoot } from './run-benchmark';

// The agent logs in as root and sshd needs root, as in the benchmark itself.
const itAsRoot = runningAsRoot ? it : it.skip;

itAsRoot('ssh-path prints its figures and writes them as JSON', async () => {
  const run = await runBenchmark('bench/ssh-path/run.sh', { BYTES: String(4 * 1024 ** 2), CONNECTS: '2', RECORDING_BYTES: String(1024 ** 2), KEYSTROKES: '5' });
  expect({ status: run.status, tail: run.status === 0 ? '' : run.output.slice(-4000) }).toEqual({ status: 0, tail: '' });
  expect(run.output).toMatch(/upload \(MB\/s\)\s+[\d.]+\s+[\d.]+\s+[\d.]+/);
  expect(run.output).toMatch(/download \(MB\/s\)\s+[\d.]+/);
  expect(run.output).toMatch(/connect p50 \(ms\)\s+[\d.]+/);
  expect(run.output).toMatch(/keystroke echo \(ms\)/);
  expect(run.result?.benchmark).toBe('ssh-path');
  for (const key of ['upload_mbps', 'download_mbps', 'connect_ms', 'keystroke_idle_p99_off', 'keystroke_bulk_p99_on', 'recording_download_mbps']) {
    expect(figureValue(run, key)).toBeGreaterThan(0);
  }
  expect(run.result?.figures.find((figure) => figure.key === 'upload_mbps')?.ratio).toBeGreaterThan(0);
});
