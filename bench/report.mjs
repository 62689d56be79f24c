// Renders docs/benchmarks.md and its charts (SVG, drawn by vega-lite) from the JSON the benchmarks wrote.
//
//   node bench/report.mjs --results DIR [--out docs/benchmarks.md] [--charts docs/benchmarks]
//   node bench/report.mjs --results docs/benchmarks/results.json     # render again from a committed run
//
// DIR holds suite.json (the machine, the date, the steps; bench/run.mjs writes it) and one JSON file per benchmark
// (the format is in bench/support/results.ts). The merged results are kept beside the charts as results.json, so that
// the report can be rendered again without running anything.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');

export function loadResults(source) {
  if (statSync(source).isFile()) return JSON.parse(readFileSync(source, 'utf8'));
  const files = readdirSync(source).filter((name) => name.endsWith('.json'));
  const suite = files.includes('suite.json') ? JSON.parse(readFileSync(join(source, 'suite.json'), 'utf8')) : {};
  const benchmarks = files
    .filter((name) => name !== 'suite.json')
    .map((name) => JSON.parse(readFileSync(join(source, name), 'utf8')))
    .filter((result) => result && Array.isArray(result.figures));
  const order = (result) => (suite.steps ?? []).findIndex((step) => step.result === result.benchmark);
  benchmarks.sort((left, right) => order(left) - order(right) || left.benchmark.localeCompare(right.benchmark));
  return { suite, benchmarks };
}

const format = (value, unit) => {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  if (typeof value !== 'number') return String(value);
  const digits = Math.abs(value) >= 100 || Number.isInteger(value) ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: 0 })}${unit ? ` ${unit}` : ''}`;
};
const ratioText = (ratio) => (ratio === null || ratio === undefined || !Number.isFinite(ratio) ? '—' : ratio.toFixed(2));
const metText = (figure) => (figure.goal === undefined ? '' : figure.met ? 'yes' : '**no**');
const escape = (text) => String(text).replace(/\|/g, '\\|');

async function renderSvg(spec) {
  const compiled = vegaLite.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return `${svg}\n`;
}

/** The charts' vega-lite specs, from the results; a chart whose data is missing is left out. */
export function chartSpecs({ benchmarks }) {
  const charts = [];
  const base = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', config: { font: 'sans-serif', background: 'white' } };

  const ratios = benchmarks.flatMap((result) =>
    result.figures
      .filter((figure) => Number.isFinite(figure.ratio) && figure.ratio > 0 && figure.referenceName)
      .map((figure) => ({ benchmark: result.benchmark, figure: `${result.benchmark}: ${figure.name}`.slice(0, 90), ratio: figure.ratio, reference: figure.referenceName })),
  );
  if (ratios.length > 0) {
    charts.push({
      file: 'ratios.svg',
      title: 'Every figure against its reference, on a log scale (1.0: the same as the reference; above 1, more requests or bytes per second, or a longer time)',
      spec: {
        ...base,
        title: 'Figures as a ratio to their reference, same run',
        data: { values: ratios },
        width: 420,
        layer: [
          {
            // Points, not bars: a bar on a log scale has no zero to start from.
            mark: { type: 'point', filled: true, size: 70 },
            encoding: {
              y: { field: 'figure', type: 'nominal', sort: null, title: null, axis: { labelLimit: 420 } },
              // Logarithmic: ratios run from hundredths to thousands, and 0.5 is as far from 1 as 2 is.
              x: { field: 'ratio', type: 'quantitative', title: 'ratio to the reference (log scale)', scale: { type: 'log' } },
              color: { field: 'benchmark', type: 'nominal' },
              tooltip: [{ field: 'reference' }],
            },
          },
          { mark: { type: 'rule', color: 'black' }, encoding: { x: { datum: 1 } } },
        ],
      },
    });
  }

  const fleet = benchmarks
    .filter((result) => result.benchmark.startsWith('fleet-'))
    .flatMap((result) => {
      const value = (key) => result.figures.find((figure) => figure.key === key)?.value ?? null;
      const devices = Number(result.parameters.devices);
      return [
        { devices, metric: 'gateway memory, idle (MB)', value: value('gateway_rss_mb') },
        { devices, metric: 'all tunnels back after a restart (s)', value: value('storm_all_back_s') },
        { devices, metric: 'cold start, all tunnels up (s)', value: value('cold_start_s') },
      ].filter((row) => row.value !== null);
    });
  if (fleet.length > 0) {
    charts.push({
      file: 'fleet.svg',
      title: 'Fleet scale on one gateway process',
      spec: {
        ...base,
        title: 'Fleet scale on one gateway process',
        data: { values: fleet },
        facet: { column: { field: 'metric', type: 'nominal', title: null } },
        spec: {
          width: 200,
          height: 160,
          mark: { type: 'line', point: true },
          encoding: {
            x: { field: 'devices', type: 'quantitative', title: 'devices' },
            y: { field: 'value', type: 'quantitative', title: null },
          },
        },
        resolve: { scale: { y: 'independent' } },
      },
    });
  }

  const api = benchmarks
    .filter((result) => result.benchmark.startsWith('api-'))
    .flatMap((result) =>
      ['healthcheck', 'devices', 'sessions', 'auth', 'login'].flatMap((route) => {
        const rps = result.figures.find((figure) => figure.key === `${route}.rps`)?.value;
        const p99 = result.figures.find((figure) => figure.key === `${route}.p99`)?.value;
        const backend = String(result.parameters.database ?? result.benchmark);
        return [
          ...(Number.isFinite(rps) ? [{ route, backend, measure: 'requests per second', value: rps }] : []),
          ...(Number.isFinite(p99) ? [{ route, backend, measure: 'latency p99 (ms)', value: p99 }] : []),
        ];
      }),
    );
  if (api.length > 0) {
    charts.push({
      file: 'api.svg',
      title: 'The API under load from autocannon, by backend',
      spec: {
        ...base,
        title: 'API under load (autocannon, second process)',
        data: { values: api },
        facet: { column: { field: 'measure', type: 'nominal', title: null } },
        spec: {
          width: 260,
          height: 160,
          mark: 'bar',
          encoding: {
            x: { field: 'route', type: 'nominal', title: null, sort: ['healthcheck', 'devices', 'sessions', 'auth', 'login'] },
            xOffset: { field: 'backend', type: 'nominal' },
            y: { field: 'value', type: 'quantitative', title: null },
            color: { field: 'backend', type: 'nominal' },
          },
        },
        resolve: { scale: { y: 'independent' } },
      },
    });
  }

  const sessions = benchmarks.find((result) => result.benchmark === 'sessions');
  if (sessions) {
    const value = (key) => sessions.figures.find((figure) => figure.key === key)?.value ?? null;
    const rows = [
      { process: 'gateway', when: 'start', value: value('gateway_rss_start_mb') },
      { process: 'gateway', when: 'end', value: value('gateway_rss_end_mb') },
      { process: 'agents', when: 'start', value: value('agents_rss_start_mb') },
      { process: 'agents', when: 'end', value: value('agents_rss_end_mb') },
    ].filter((row) => row.value !== null);
    if (rows.length > 0) {
      charts.push({
        file: 'sessions.svg',
        title: 'Memory with many sessions at once, at the start and at the end',
        spec: {
          ...base,
          title: `Memory with ${sessions.parameters.sessions} sessions at once (MB)`,
          data: { values: rows },
          width: 260,
          height: 160,
          mark: 'bar',
          encoding: {
            x: { field: 'process', type: 'nominal', title: null },
            xOffset: { field: 'when', type: 'nominal', sort: ['start', 'end'] },
            y: { field: 'value', type: 'quantitative', title: 'MB' },
            color: { field: 'when', type: 'nominal', sort: ['start', 'end'] },
          },
        },
      });
    }
  }
  return charts;
}

export function renderMarkdown({ suite, benchmarks }, charts, chartsDirectory) {
  const lines = [];
  const machine = suite.machine ?? {};
  lines.push('# Benchmarks', '');
  lines.push(
    '<!-- Generated by `npm run bench` (bench/run.mjs, bench/report.mjs) from the JSON the benchmarks write; do not edit by hand. -->',
    '',
  );
  if (suite.size === 'tiny') {
    lines.push(
      '> **Tiny run.** These figures come from `BENCH_SIZE=tiny` (the smoke sizes: a handful of devices, sessions and megabytes), which',
      '> shows that every benchmark runs and reports; they say nothing about Fleetgate at fleet scale. Run `npm run bench` on a quiet',
      '> machine for the real figures.',
      '',
    );
  }
  lines.push(
    `Measured on ${suite.startedAt ?? 'an unknown date'}${suite.seconds ? ` in ${Math.round(suite.seconds / 60)} min ${suite.seconds % 60} s` : ''}, ` +
      'Fleetgate and its references side by side in the same run. These machines are shared and absolute figures vary from run ' +
      'to run; the ratios against a reference measured in the same run are what compare between runs.',
    '',
  );
  lines.push('## The machine', '', '| | |', '|---|---|');
  const machineRows = [
    ['CPU', machine.cpuModel ? `${machine.cores} cores, ${machine.cpuModel}` : machine.cores],
    ['memory', machine.memoryGiB ? `${machine.memoryGiB} GiB` : undefined],
    ['load average at the start (1, 5, 15 min)', machine.loadAverage?.join(', ')],
    ['OS', machine.os],
    ['Node', machine.node],
    ['OpenSSH', machine.openssh],
    ['database', machine.database],
    ['Redis', machine.redis],
  ].filter(([, value]) => value !== undefined && value !== null && value !== '');
  for (const [name, value] of machineRows) lines.push(`| ${name} | ${escape(value)} |`);
  lines.push('');
  lines.push(
    'The database figures come from FerretDB 1.24 on SQLite, the only MongoDB-compatible server these machines run for the ' +
      'shared services, unless a table says FerretDB on PostgreSQL (the local PostgreSQL, started with ' +
      '`FLEETGATE_DB=ferretdb-pg scripts/services.sh database-url`), shown so that readers see how the backend changes them. ' +
      'No figure here comes from MongoDB itself.',
    '',
  );

  const withGoals = benchmarks.flatMap((result) => result.figures.filter((figure) => figure.goal !== undefined).map((figure) => ({ result, figure })));
  if (withGoals.length > 0) {
    const missed = withGoals.filter(({ figure }) => !figure.met);
    lines.push('## Against the goals', '');
    lines.push(`${withGoals.length - missed.length} of ${withGoals.length} goals met in this run.`, '');
    lines.push('| benchmark | figure | value | ratio | goal | met |', '|---|---|---|---|---|---|');
    for (const { result, figure } of withGoals) {
      lines.push(`| ${escape(result.benchmark)} | ${escape(figure.name)} | ${format(figure.value, figure.unit)} | ${ratioText(figure.ratio)} | ${escape(figure.goal)} | ${metText(figure)} |`);
    }
    lines.push('');
  }

  const steps = suite.steps ?? [];
  if (steps.length > 0) {
    lines.push('## The run', '', '| step | time | outcome |', '|---|---|---|');
    for (const step of steps) lines.push(`| ${escape(step.name)} | ${format(step.seconds, 's')} | ${escape(step.outcome)} |`);
    lines.push('');
  }

  for (const result of benchmarks) {
    lines.push(`## ${result.title}`, '');
    const parameters = Object.entries(result.parameters ?? {}).map(([key, value]) => `${key} ${typeof value === 'number' ? value.toLocaleString('en') : value}`);
    lines.push(`\`${result.benchmark}\`, ${result.seconds} s; ${parameters.join(', ')}.`, '');
    lines.push('| figure | value | reference | ratio | goal | met |', '|---|---|---|---|---|---|');
    for (const figure of result.figures) {
      const reference = figure.reference === undefined ? '' : `${format(figure.reference, figure.unit)}${figure.referenceName ? ` (${escape(figure.referenceName)})` : ''}`;
      lines.push(`| ${escape(figure.name)} | ${format(figure.value, figure.unit)} | ${reference} | ${figure.reference === undefined ? '' : ratioText(figure.ratio)} | ${escape(figure.goal ?? '')} | ${metText(figure)} |`);
    }
    lines.push('');
    for (const note of result.notes ?? []) lines.push(`- ${note}`);
    if ((result.notes ?? []).length > 0) lines.push('');
    const plans = result.details?.plans;
    if (plans) {
      lines.push('Query plans checked (`explain`, verbosity queryPlanner, with the filter, sort and page the repositories send):', '');
      for (const [name, entry] of Object.entries(plans)) {
        const plan = entry.plan ?? {};
        const pushdown = ['filterPushdown', 'sortPushdown', 'limitPushdown', 'unsafeFilterPushdown']
          .filter((field) => field in plan)
          .map((field) => `${field} ${plan[field]}`)
          .join(', ');
        const planner = plan.queryPlanner ? JSON.stringify(plan.queryPlanner) : '';
        lines.push(`- ${name}: \`${escape(JSON.stringify(entry.command))}\``);
        lines.push(`  - ${entry.error ? `explain failed: ${escape(entry.error)}` : pushdown || 'no pushdown fields reported'}${planner ? `; planner: \`${escape(planner.slice(0, 400))}${planner.length > 400 ? '…' : ''}\`` : ''}`);
      }
      lines.push('');
    }
  }

  if (charts.length > 0) {
    lines.push('## Charts', '');
    for (const chart of charts) lines.push(`${chart.title}:`, '', `![${chart.title}](${chartsDirectory}/${chart.file})`, '');
  }

  lines.push(
    '## Running it',
    '',
    '`npm run bench` runs the whole suite (about 30 minutes at full size, as root: the SSH benchmarks log in as root) and rewrites',
    'this file. `BENCH_SIZE=tiny npm run bench` runs the smoke sizes in a few minutes. Each benchmark also runs alone and writes its',
    'figures as JSON with `--json FILE`; `bench/README.md` lists them and the variables that size them. What the query plans',
    'above mean for the indexes, and how the suite is built: `docs/adr/0015-benchmark-suite.md`.',
    '',
  );
  return `${lines.join('\n')}`;
}

async function main() {
  const { values } = parseArgs({
    options: {
      results: { type: 'string' },
      out: { type: 'string', default: join(root, 'docs', 'benchmarks.md') },
      charts: { type: 'string', default: join(root, 'docs', 'benchmarks') },
    },
  });
  if (!values.results) throw new Error('usage: node bench/report.mjs --results DIR|results.json [--out FILE] [--charts DIR]');
  const results = loadResults(resolve(values.results));
  const charts = chartSpecs(results);
  mkdirSync(values.charts, { recursive: true });
  for (const chart of charts) writeFileSync(join(values.charts, chart.file), await renderSvg(chart.spec));
  if (basename(resolve(values.results)) !== 'results.json' || dirname(resolve(values.results)) !== resolve(values.charts)) {
    writeFileSync(join(values.charts, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  }
  const chartsDirectory = relative(dirname(resolve(values.out)), resolve(values.charts)) || '.';
  writeFileSync(values.out, renderMarkdown(results, charts, chartsDirectory));
  process.stdout.write(`wrote ${values.out} and ${charts.length} charts in ${values.charts}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  main().catch((error) => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exit(1);
  });
}
