import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { GATEWAY_INDEX_VARIABLE } from './server/pickup-address';

/** SSH_PROCESSES resolved: `auto` is one process per core the machine offers this process. */
export function gatewayProcessCount(setting: number | 'auto', cores: () => number = availableParallelism): number {
  return setting === 'auto' ? Math.max(1, cores()) : setting;
}

/** A worker that dies this soon after its start is failing to start: wait longer before the next attempt. */
const QUICK_DEATH_MS = 5_000;
const MAX_RESTART_DELAY_MS = 30_000;

/**
 * The primary of several gateway processes on one machine (docs/adr/0011-gateway-processes.md). It serves nothing
 * itself: Node's cluster module shares the SSH and HTTP ports, and the primary hands each accepted connection to a
 * worker in turn, after which the connection's bytes go to that worker alone. A worker that dies is started again
 * with the same index (so its pickup port stays the same); SIGTERM or SIGINT stops every worker gracefully, and
 * the primary exits once they are gone. A primary that is killed takes its workers with it: they exit when their
 * channel to it closes.
 */
export function runGatewayPrimary(count: number, shutdownTimeoutMs: number, log: (message: string) => void): void {
  cluster.schedulingPolicy = cluster.SCHED_RR;
  const workers = new Map<Worker, { index: number; startedAt: number }>();
  const delays = new Map<number, number>();
  let stopping = false;

  const fork = (index: number) => {
    const worker = cluster.fork({ [GATEWAY_INDEX_VARIABLE]: String(index) });
    workers.set(worker, { index, startedAt: Date.now() });
  };

  cluster.on('exit', (worker, code, signal) => {
    const entry = workers.get(worker);
    workers.delete(worker);
    if (stopping) {
      if (workers.size === 0) process.exit(0);
      return;
    }
    if (!entry) return;
    const quick = Date.now() - entry.startedAt < QUICK_DEATH_MS;
    const delay = quick ? Math.min(MAX_RESTART_DELAY_MS, (delays.get(entry.index) ?? 500) * 2) : 500;
    delays.set(entry.index, delay);
    log(`gateway process ${entry.index} (pid ${worker.process.pid}) exited (${signal ?? code}); starting it again in ${delay} ms`);
    setTimeout(() => {
      if (!stopping) fork(entry.index);
    }, delay).unref();
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`received ${signal}, stopping ${workers.size} gateway processes`);
    for (const worker of workers.keys()) worker.process.kill('SIGTERM');
    if (workers.size === 0) process.exit(0);
    // Each worker bounds its own shutdown; this only covers a worker that ignores the signal.
    setTimeout(() => {
      for (const worker of workers.keys()) worker.process.kill('SIGKILL');
      process.exit(1);
    }, shutdownTimeoutMs + 2_000).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);

  log(`starting ${count} gateway processes`);
  for (let index = 0; index < count; index++) fork(index);
}
