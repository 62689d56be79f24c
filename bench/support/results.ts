import { readFileSync, writeFileSync } from 'node:fs';

/**
 * The machine-readable side of a benchmark: every figure it prints also goes into one JSON file (BENCH_JSON), which
 * `bench/report.mjs` turns into docs/benchmarks.md. A figure with a reference carries the ratio, because these
 * machines are shared and only ratios measured in the same run compare from one run to the next.
 */
export interface Figure {
  /** Stable key, e.g. `devices.rps`. */
  key: string;
  /** What a reader sees in the table. */
  name: string;
  value: number | null;
  unit: string;
  /** The same figure for the reference measured in the same run (direct sshd, GET /healthcheck, ...). */
  reference?: number | null;
  referenceName?: string;
  /** value / reference, when both exist. */
  ratio?: number | null;
  /** The goal, as text, and whether this run met it (absent when the figure has no goal). */
  goal?: string;
  met?: boolean;
}

export interface BenchmarkResult {
  benchmark: string;
  /** A heading for the report, e.g. "API (FerretDB on SQLite)". */
  title: string;
  startedAt: string;
  seconds: number;
  parameters: Record<string, string | number>;
  figures: Figure[];
  notes: string[];
  /** Anything else worth keeping (query plans, samples). */
  details?: Record<string, unknown>;
}

/** A benchmark's size knob, from its environment (benchmarks are tools, not apps: no config schema). */
export function readSetting(name: string): string | undefined {
  return process.env[name];
}

export function numberSetting(name: string, fallback: number): number {
  const raw = readSetting(name);
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number, not ${raw}`);
  return value;
}

/** Collects figures and writes them to BENCH_JSON (when set) as they come, so a run that stops halfway keeps them. */
export class Results {
  private readonly result: BenchmarkResult;
  private readonly started = Date.now();

  constructor(benchmark: string, title: string, parameters: Record<string, string | number>) {
    this.result = { benchmark, title, startedAt: new Date().toISOString(), seconds: 0, parameters, figures: [], notes: [] };
  }

  figure(figure: Figure): void {
    const ratio =
      figure.ratio !== undefined
        ? figure.ratio
        : figure.reference !== undefined && figure.reference !== null && figure.value !== null && figure.reference !== 0
          ? figure.value / figure.reference
          : undefined;
    this.result.figures.push({ ...figure, ...(ratio === undefined ? {} : { ratio }) });
    this.write();
  }

  note(text: string): void {
    this.result.notes.push(text);
    this.write();
  }

  detail(key: string, value: unknown): void {
    this.result.details = { ...this.result.details, [key]: value };
    this.write();
  }

  write(): void {
    const path = readSetting('BENCH_JSON');
    if (!path) return;
    this.result.seconds = Math.round((Date.now() - this.started) / 1000);
    writeFileSync(path, `${JSON.stringify(this.result, null, 2)}\n`);
  }
}

/** Resident memory of a process in MB, from /proc. */
export function rssMegabytes(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((entry) => entry.startsWith('VmRSS:'));
    return Math.round(Number(line?.replace(/\D+/g, '') ?? 0) / 102.4) / 10;
  } catch {
    return 0;
  }
}

/** CPU time (user + system) a process used so far, in seconds, from /proc (clock ticks of 100 Hz on Linux). */
export function cpuSeconds(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // After "pid (comm) ", utime and stime are the 12th and 13th fields.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** The value at `fraction` (0..1) of a list of numbers. */
export function percentile(values: readonly number[], fraction: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))];
}

export const round = (value: number | null, digits = 1): number | null =>
  value === null || !Number.isFinite(value) ? null : Math.round(value * 10 ** digits) / 10 ** digits;
