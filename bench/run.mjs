// The benchmark suite (issue 14), one command: `npm run bench`. Builds the apps once, runs each benchmark with its
// sizes, collects the JSON each one writes, and renders docs/benchmarks.md with its charts (bench/report.mjs).
//
//   npm run bench                              # full sizes, about 30 minutes on a 2-core machine
//   BENCH_SIZE=tiny npm run bench              # smoke sizes, a few minutes; the report says it is a tiny run
//   BENCH_ONLY=api,fleet npm run bench         # some benchmarks only (ssh-path, fleet, api, api-pg, sessions)
//
// Every size is an environment variable (bench/README.md); what is set wins over the BENCH_SIZE defaults. A step that
// fails or overruns its time limit is recorded and the suite goes on: the report shows what each step gave.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const environment = process.env;
const size = environment.BENCH_SIZE === 'tiny' ? 'tiny' : 'full';
const startedAt = new Date();
const resultsDirectory = resolve(environment.BENCH_RESULTS ?? join(root, '.data', 'bench', startedAt.toISOString().replace(/[:.]/g, '-')));
const only = environment.BENCH_ONLY ? new Set(environment.BENCH_ONLY.split(',').map((name) => name.trim())) : null;
const isRoot = process.getuid?.() === 0;

/** Defaults per size; the environment overrides any of them. */
const sizes = {
  full: {
    BYTES: String(1024 ** 3),
    CONNECTS: '50',
    RECORDING_BYTES: String(256 * 1024 ** 2),
    KEYSTROKES: '300',
    FLEET_SIZES: '1000,5000,10000',
    FLEET_SETTLE_MS: '12000',
    API_DEVICES: '10000',
    API_SESSIONS: '100000',
    API_SECONDS: '10',
    API_AUTH_REQUESTS: '3000',
    API_CONNECTIONS: '10',
    SESSIONS: '500',
    SESSIONS_AGENTS: '5',
    SESSIONS_SECONDS: '300',
  },
  tiny: {
    BYTES: String(8 * 1024 ** 2),
    CONNECTS: '3',
    RECORDING_BYTES: String(2 * 1024 ** 2),
    KEYSTROKES: '10',
    FLEET_SIZES: '20,50',
    FLEET_SETTLE_MS: '2000',
    API_DEVICES: '200',
    API_SESSIONS: '1000',
    API_SECONDS: '3',
    API_AUTH_REQUESTS: '200',
    // Few connections: at tiny sizes a loaded machine completes no request of ten queued ones within the seconds.
    API_CONNECTIONS: '2',
    SESSIONS: '6',
    SESSIONS_AGENTS: '2',
    SESSIONS_SECONDS: '10',
  },
}[size];
const setting = (name) => environment[name] ?? sizes[name];

/** Time limits per step (minutes), so that one stuck benchmark cannot hold the suite past its 30 minutes. */
const limitMinutes = size === 'tiny' ? { build: 15, default: 4 } : { build: 15, 'ssh-path': 9, fleet: 6, api: 5, sessions: 9, default: 6 };

const steps = [];
const shared = { ...environment, BENCH_SKIP_BUILD: '1', NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };
const wanted = (name) => !only || only.has(name) || (name.startsWith('fleet') && only.has('fleet'));

if (environment.BENCH_SKIP_BUILD === undefined) {
  steps.push({ name: 'build api, ssh, agent, worker', kind: 'build', command: ['npx', 'nx', 'run-many', '-t', 'build', '-p', 'api', 'ssh', 'agent', 'worker', '--outputStyle=static'] });
}
if (wanted('ssh-path')) {
  steps.push({
    name: 'ssh-path',
    kind: 'ssh-path',
    result: 'ssh-path',
    needsRoot: true,
    command: ['bash', 'bench/ssh-path/run.sh', '--json', join(resultsDirectory, 'ssh-path.json')],
    env: { BYTES: setting('BYTES'), CONNECTS: setting('CONNECTS'), RECORDING_BYTES: setting('RECORDING_BYTES'), KEYSTROKES: setting('KEYSTROKES') },
  });
}
for (const devices of setting('FLEET_SIZES').split(',').map((entry) => entry.trim()).filter(Boolean)) {
  if (!wanted(`fleet-${devices}`)) continue;
  steps.push({
    name: `fleet, ${devices} devices`,
    kind: 'fleet',
    result: `fleet-${devices}`,
    command: ['bash', 'bench/fleet/run.sh', '--json', join(resultsDirectory, `fleet-${devices}.json`)],
    env: { FLEET_DEVICES: devices, FLEET_SETTLE_MS: setting('FLEET_SETTLE_MS') },
  });
}
const apiEnvironment = {
  API_DEVICES: setting('API_DEVICES'),
  API_SESSIONS: setting('API_SESSIONS'),
  API_SECONDS: setting('API_SECONDS'),
  API_AUTH_REQUESTS: setting('API_AUTH_REQUESTS'),
  API_CONNECTIONS: setting('API_CONNECTIONS'),
};
if (wanted('api')) {
  steps.push({ name: 'API, FerretDB on SQLite', kind: 'api', result: 'api-ferretdb-sqlite', command: ['bash', 'bench/api/run.sh', '--json', join(resultsDirectory, 'api-ferretdb-sqlite.json')], env: { ...apiEnvironment, BENCH_DB: 'ferretdb-sqlite' } });
}
if (wanted('api-pg') && environment.BENCH_PG !== '0') {
  steps.push({ name: 'API, FerretDB on PostgreSQL', kind: 'api', result: 'api-ferretdb-pg', command: ['bash', 'bench/api/run.sh', '--json', join(resultsDirectory, 'api-ferretdb-pg.json')], env: { ...apiEnvironment, BENCH_DB: 'ferretdb-pg' } });
}
if (wanted('sessions')) {
  steps.push({
    name: 'sessions at once',
    kind: 'sessions',
    result: 'sessions',
    needsRoot: true,
    command: ['bash', 'bench/sessions/run.sh', '--json', join(resultsDirectory, 'sessions.json')],
    env: { SESSIONS: setting('SESSIONS'), SESSIONS_AGENTS: setting('SESSIONS_AGENTS'), SESSIONS_SECONDS: setting('SESSIONS_SECONDS') },
  });
}

function firstLine(command, args) {
  const run = spawnSync(command, args, { encoding: 'utf8' });
  // ssh -V answers on stderr.
  return `${run.stdout ?? ''}${run.stderr ?? ''}`.trim().split('\n')[0] || undefined;
}

function machine() {
  const cpus = os.cpus();
  const ssh = firstLine('ssh', ['-V']);
  const ferretdb = /FERRETDB_VERSION="([^"]+)"/.exec(readFileSync(join(root, 'scripts', 'services.sh'), 'utf8'))?.[1];
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    loadAverage: os.loadavg().map((value) => Math.round(value * 100) / 100),
    os: `${os.type()} ${os.release()}${existsSync('/etc/debian_version') ? `, Debian ${readFileSync('/etc/debian_version', 'utf8').trim()}` : ''}`,
    node: process.version,
    openssh: ssh,
    database: `FerretDB ${ferretdb ?? ''} (SQLite; PostgreSQL where a table says so)${firstLine('psql', ['--version']) ? `; ${firstLine('psql', ['--version'])}` : ''}`,
    redis: firstLine('redis-server', ['--version']),
  };
}

function runStep(step, log) {
  return new Promise((resolveStep) => {
    const started = Date.now();
    const limit = (limitMinutes[step.kind] ?? limitMinutes.default) * 60_000;
    // A process group of its own, so that a step past its time limit stops with everything it started.
    const child = spawn(step.command[0], step.command.slice(1), { cwd: root, env: { ...shared, ...step.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const write = (chunk) => {
      process.stdout.write(chunk);
      log.write(chunk);
    };
    child.stdout.on('data', write);
    child.stderr.on('data', write);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      write(`\n[bench] ${step.name}: past its limit of ${limit / 60_000} min, stopping it\n`);
      try {
        process.kill(-child.pid, 'SIGTERM');
        setTimeout(() => {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }, 10_000).unref();
      } catch {
        // already gone
      }
    }, limit);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const seconds = Math.round((Date.now() - started) / 1000);
      const outcome = timedOut ? `stopped at its limit of ${limit / 60_000} min` : code === 0 ? 'ok' : `failed (${signal ?? `exit ${code}`})`;
      resolveStep({ name: step.name, result: step.result, seconds, outcome });
    });
  });
}

async function main() {
  mkdirSync(resultsDirectory, { recursive: true });
  const suite = { startedAt: startedAt.toISOString(), size, machine: machine(), steps: [] };
  // Running some benchmarks again into an earlier run's directory (BENCH_RESULTS, BENCH_ONLY) keeps that run's other
  // steps, so that its report stays whole.
  const earlier = join(resultsDirectory, 'suite.json');
  if (existsSync(earlier)) {
    const previous = JSON.parse(readFileSync(earlier, 'utf8'));
    const again = new Set(steps.map((step) => step.name));
    Object.assign(suite, { startedAt: previous.startedAt, size: previous.size ?? size });
    suite.steps = (previous.steps ?? []).filter((step) => !again.has(step.name));
  }
  const save = () => {
    suite.seconds = suite.steps.reduce((sum, step) => sum + step.seconds, 0);
    writeFileSync(join(resultsDirectory, 'suite.json'), `${JSON.stringify(suite, null, 2)}\n`);
  };
  save();
  console.log(`[bench] ${size} run, results in ${resultsDirectory}`);
  for (const step of steps) {
    if (step.needsRoot && !isRoot) {
      suite.steps.push({ name: step.name, result: step.result, seconds: 0, outcome: 'skipped: needs root (the agents log in as root)' });
      save();
      continue;
    }
    console.log(`\n[bench] ${step.name}`);
    const log = createWriteStream(join(resultsDirectory, `${(step.result ?? step.kind).replace(/[^a-z0-9-]/gi, '_')}.log`));
    const outcome = await runStep(step, log);
    log.end();
    suite.steps.push(outcome);
    save();
    console.log(`[bench] ${step.name}: ${outcome.outcome} in ${outcome.seconds} s`);
    if (step.kind === 'build' && outcome.outcome !== 'ok') {
      console.error('[bench] the build failed; nothing to measure');
      process.exit(1);
    }
  }
  save();
  const out = environment.BENCH_REPORT ?? join(root, 'docs', 'benchmarks.md');
  const charts = environment.BENCH_CHARTS ?? join(root, 'docs', 'benchmarks');
  const report = spawn(process.execPath, [join(root, 'bench', 'report.mjs'), '--results', resultsDirectory, '--out', out, '--charts', charts], { cwd: root, stdio: 'inherit' });
  const code = await new Promise((resolveReport) => report.on('exit', resolveReport));
  const failed = suite.steps.filter((step) => step.outcome !== 'ok' && !step.outcome.startsWith('skipped'));
  console.log(`[bench] done in ${Math.round(suite.seconds / 60)} min; ${failed.length} step(s) did not finish${failed.length ? `: ${failed.map((step) => step.name).join(', ')}` : ''}`);
  // Benchmarks print figures and do not fail on a missed goal; only a report that could not be written fails.
  process.exit(code === 0 ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
