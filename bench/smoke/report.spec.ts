import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchmarkResult } from '../support/results';
import { root } from './run-benchmark';

const result = (benchmark: string, parameters: Record<string, string | number>, figures: BenchmarkResult['figures']): BenchmarkResult => ({
  benchmark,
  title: `title of ${benchmark}`,
  startedAt: '2026-12-05T00:00:00.000Z',
  seconds: 12,
  parameters,
  figures,
  notes: [`a note on ${benchmark}`],
});

describe('the report', () => {
  let directory: string;
  beforeEach(() => (directory = mkdtempSync(join(tmpdir(), 'fleetgate-bench-report-'))));
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('renders tables, ratios, goals and vega-lite charts from the JSON the benchmarks write', () => {
    const results = join(directory, 'results');
    mkdirSync(results);
    writeFileSync(join(results, 'suite.json'), JSON.stringify({ startedAt: '2026-12-05T00:00:00.000Z', seconds: 90, size: 'tiny', machine: { cores: 2, cpuModel: 'a test CPU', memoryGiB: 23.5, node: 'v20.20.2', openssh: 'OpenSSH_9.2p1' }, steps: [] }));
    writeFileSync(
      join(results, 'api-ferretdb-sqlite.json'),
      JSON.stringify(
        result('api-ferretdb-sqlite', { database: 'FerretDB on SQLite' }, [
          { key: 'healthcheck.rps', name: 'GET /healthcheck', value: 1500, unit: 'req/s' },
          { key: 'devices.rps', name: 'GET /api/devices', value: 150, unit: 'req/s', reference: 1500, referenceName: 'GET /healthcheck', ratio: 0.1, goal: '≥ 200 req/s', met: false },
          { key: 'devices.p99', name: 'GET /api/devices p99', value: 35, unit: 'ms', reference: 5, referenceName: 'GET /healthcheck', ratio: 7 },
        ]),
      ),
    );
    writeFileSync(join(results, 'fleet-20.json'), JSON.stringify(result('fleet-20', { devices: 20 }, [{ key: 'gateway_rss_mb', name: 'gateway memory', value: 90, unit: 'MB' }, { key: 'storm_all_back_s', name: 'all back', value: 4.5, unit: 's', goal: '≤ 30 s', met: true }])));
    const out = join(directory, 'benchmarks.md');
    const charts = join(directory, 'charts');
    const rendered = spawnSync(process.execPath, [join(root, 'bench/report.mjs'), '--results', results, '--out', out, '--charts', charts], { encoding: 'utf8' });
    expect(rendered.stderr).toBe('');
    expect(rendered.status).toBe(0);
    const markdown = readFileSync(out, 'utf8');
    expect(markdown).toContain('**Tiny run.**');
    expect(markdown).toContain('| CPU | 2 cores, a test CPU |');
    expect(markdown).toContain('| GET /api/devices | 150 req/s | 1,500 req/s (GET /healthcheck) | 0.10 | ≥ 200 req/s | **no** |');
    expect(markdown).toContain('1 of 2 goals met in this run.');
    expect(markdown).toContain('](charts/ratios.svg)');
    for (const file of ['ratios.svg', 'api.svg', 'fleet.svg']) expect(readFileSync(join(charts, file), 'utf8')).toMatch(/^<svg /);
    expect(JSON.parse(readFileSync(join(charts, 'results.json'), 'utf8')).benchmarks).toHaveLength(2);
  });

  it('the suite records the machine and renders a report even when no benchmark is chosen', () => {
    const out = join(directory, 'benchmarks.md');
    const run = spawnSync(process.execPath, [join(root, 'bench/run.mjs')], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, BENCH_SIZE: 'tiny', BENCH_ONLY: 'none', BENCH_SKIP_BUILD: '1', BENCH_RESULTS: join(directory, 'results'), BENCH_REPORT: out, BENCH_CHARTS: join(directory, 'charts') },
    });
    expect(run.status).toBe(0);
    const suite = JSON.parse(readFileSync(join(directory, 'results', 'suite.json'), 'utf8'));
    expect(suite.size).toBe('tiny');
    expect(suite.machine.cores).toBeGreaterThan(0);
    expect(suite.machine.node).toBe(process.version);
    expect(existsSync(out)).toBe(true);
    expect(readFileSync(out, 'utf8')).toContain('## The machine');
  });
});
