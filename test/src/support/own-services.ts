import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { readProcessEnvironment } from '@fleetgate/config';
import { freePort } from '@fleetgate/testing';

/**
 * A Redis and a database server of a test's own, which it may stop and start again: the fault tests restart them,
 * and the shared ones serve everyone else's tests. Each keeps its data in the test's scratch folder, so a restart
 * finds what was there before.
 */
export interface OwnServer {
  readonly name: string;
  readonly url: string;
  start(): Promise<void>;
  /** Stops the server (SIGTERM: a clean restart) and resolves once it exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  output(): string;
}

const FERRETDB_VERSION = 'v1.24.2';

/** The FerretDB binary `scripts/services.sh` builds into the per-user cache, or `mongod`, or null when neither. */
export function databaseServerCommand(): 'ferretdb' | 'mongod' | null {
  if (existsSync(ferretDbBinary())) return 'ferretdb';
  return spawnSync('sh', ['-c', 'command -v mongod'], { encoding: 'utf8' }).status === 0 ? 'mongod' : null;
}

function ferretDbBinary(): string {
  const cache = readProcessEnvironment()['FLEETGATE_CACHE'] ?? join(homedir(), '.cache', 'fleetgate');
  return join(cache, 'bin', `ferretdb-${FERRETDB_VERSION}`);
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

class ProcessServer implements OwnServer {
  private child?: ChildProcess;
  private log = '';

  constructor(
    readonly name: string,
    readonly url: string,
    private readonly port: number,
    private readonly command: string,
    private readonly args: string[],
  ) {}

  async start(): Promise<void> {
    const child = spawn(this.command, this.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const keep = (chunk: Buffer) => (this.log = (this.log + chunk.toString('utf8')).slice(-64 * 1024));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const deadline = Date.now() + 30_000;
    while (!(await portAnswers(this.port))) {
      if (child.exitCode !== null) throw new Error(`${this.name} exited with ${child.exitCode}:\n${this.log}`);
      if (Date.now() > deadline) throw new Error(`${this.name} did not listen on ${this.port}:\n${this.log}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }

  output(): string {
    return this.log;
  }
}

/**
 * Debian's redis-server on a free port, as `scripts/services.sh` runs the shared one (noeviction), with an
 * append-only file synced on every write: a restart loses nothing, so any loss the tests see is the platform's.
 */
export async function ownRedis(directory: string): Promise<OwnServer> {
  mkdirSync(directory, { recursive: true });
  const port = await freePort();
  return new ProcessServer('redis', `redis://127.0.0.1:${port}`, port, 'redis-server', [
    '--bind', '127.0.0.1', '--port', String(port), '--dir', directory, '--appendonly', 'yes', '--appendfsync', 'always',
    '--save', '', '--maxmemory-policy', 'noeviction', '--daemonize', 'no', '--logfile', '',
  ]);
}

/** FerretDB with its SQLite backend in `directory` (or `mongod` where that is what this machine has), on a free port. */
export async function ownDatabaseServer(directory: string): Promise<OwnServer> {
  mkdirSync(directory, { recursive: true });
  const port = await freePort();
  const url = `mongodb://127.0.0.1:${port}/`;
  if (databaseServerCommand() === 'mongod') {
    return new ProcessServer('mongod', url, port, 'mongod', ['--bind_ip', '127.0.0.1', '--port', String(port), '--dbpath', directory, '--quiet']);
  }
  return new ProcessServer('ferretdb', url, port, ferretDbBinary(), [
    '--handler=sqlite', `--sqlite-url=file:${directory}/`, `--listen-addr=127.0.0.1:${port}`, `--state-dir=${directory}`,
    '--debug-addr=-', '--telemetry=disable', '--log-level=warn',
  ]);
}
