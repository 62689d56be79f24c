import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspaceRoot } from '@fleetgate/testing';
import type { BenchmarkResult } from '../support/results';

export const root = workspaceRoot();
export const runningAsRoot = process.getuid?.() === 0;

export interface BenchmarkRun {
  status: number | null;
  output: string;
  result: BenchmarkResult | null;
}

/**
 * Runs one benchmark's `run.sh` as the suite does (the apps already built: the test target depends on their build),
 * with the sizes given, and returns what it printed and the JSON it wrote.
 */
export async function runBenchmark(script: string, sizes: Record<string, string>): Promise<BenchmarkRun> {
  const directory = mkdtempSync(join(tmpdir(), 'fleetgate-bench-smoke-'));
  const file = join(directory, 'result.json');
  try {
    const child = spawn('bash', [join(root, script), '--json', file], {
      cwd: root,
      env: { ...process.env, ...sizes, BENCH_SKIP_BUILD: '1', NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const status = await new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const result = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as BenchmarkResult) : null;
    return { status, output, result };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** The figure with this key, failing with the run's output when it is missing or not a number. */
export function figureValue(run: BenchmarkRun, key: string): number {
  const figure = run.result?.figures.find((entry) => entry.key === key);
  if (!figure || typeof figure.value !== 'number' || !Number.isFinite(figure.value)) {
    throw new Error(`figure ${key} missing or not a number in ${JSON.stringify(run.result?.figures.map((entry) => entry.key))}\n${run.output.slice(-4000)}`);
  }
  return figure.value;
}
