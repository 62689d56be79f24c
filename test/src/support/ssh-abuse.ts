import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import type { Client } from 'ssh2';

/**
 * Tools for the SSH robustness tests: SSH messages sent as they are (past ssh2's client, which keeps the rules),
 * raw TCP clients, the resident memory of a process, and a keystroke probe with the real OpenSSH client.
 */

interface ClientInternals {
  _sock?: Socket;
  _protocol: {
    _packetRW: { write: { allocStart: number; alloc(length: number): Buffer; finalize(packet: Buffer): Buffer } };
    _cipher: { encrypt(packet: Buffer): void };
  };
}

/** Sends one SSH message of a logged-in ssh2 client as it is, encrypted like any other. */
export function sendRaw(client: Client, payload: Buffer): void {
  const protocol = (client as unknown as ClientInternals)._protocol;
  const start = protocol._packetRW.write.allocStart;
  const packet = protocol._packetRW.write.alloc(payload.length);
  payload.copy(packet, start);
  protocol._cipher.encrypt(protocol._packetRW.write.finalize(packet));
}

/** Waits until the client's socket has written out what it queued (so a flood does not pile up in this process). */
export async function drained(client: Client, below = 1024 * 1024): Promise<void> {
  const socket = (client as unknown as ClientInternals)._sock;
  while (socket && !socket.destroyed && socket.writableLength > below) await new Promise((resolve) => setTimeout(resolve, 5));
}

const string = (value: string | Buffer) => {
  const bytes = typeof value === 'string' ? Buffer.from(value) : value;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
};
const uint32 = (value: number) => {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value >>> 0);
  return bytes;
};
const byte = (value: number) => Buffer.from([value]);

/** SSH messages (RFC 4254), built by hand so that any field may be wrong. */
export const message = {
  globalRequest: (name: string | Buffer, wantReply: boolean, data: Buffer = Buffer.alloc(0)) =>
    Buffer.concat([byte(80), string(name), byte(wantReply ? 1 : 0), data]),
  channelOpen: (type: string | Buffer, sender: number, window: number, maxPacket: number, data: Buffer = Buffer.alloc(0)) =>
    Buffer.concat([byte(90), string(type), uint32(sender), uint32(window), uint32(maxPacket), data]),
  windowAdjust: (recipient: number, bytes: number) => Buffer.concat([byte(93), uint32(recipient), uint32(bytes)]),
  channelData: (recipient: number, data: Buffer) => Buffer.concat([byte(94), uint32(recipient), string(data)]),
  channelRequest: (recipient: number, type: string | Buffer, wantReply: boolean, data: Buffer = Buffer.alloc(0)) =>
    Buffer.concat([byte(98), uint32(recipient), string(type), byte(wantReply ? 1 : 0), data]),
  env: (recipient: number, name: string, value: string) =>
    Buffer.concat([byte(98), uint32(recipient), string('env'), byte(0), string(name), string(value)]),
};

/** The remote (server) id of an ssh2 client channel: what messages about it are addressed to. */
export function serverChannelId(channel: unknown): number {
  return (channel as { outgoing: { id: number } }).outgoing.id;
}

/** A raw TCP client: what it received, and when the server closed it. */
export interface RawConnection {
  socket: Socket;
  received(): Buffer;
  /** Resolves with how long the connection lasted (ms) once closed, or 'open' after `timeoutMs`. */
  closedWithin(timeoutMs: number): Promise<number | 'open'>;
}

export async function rawConnection(port: number): Promise<RawConnection> {
  const socket = connect(port, '127.0.0.1');
  const opened = Date.now();
  const chunks: Buffer[] = [];
  let closedAt: number | undefined;
  const closed = new Promise<void>((resolve) => socket.once('close', () => ((closedAt = Date.now()), resolve())));
  socket.on('error', () => undefined);
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  return {
    socket,
    received: () => Buffer.concat(chunks),
    async closedWithin(timeoutMs) {
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
      return closedAt === undefined ? 'open' : closedAt - opened;
    },
  };
}

/** Resident memory of a process (bytes), from /proc. */
export function residentBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  if (!kib) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kib) * 1024;
}

/** Samples the resident memory of processes until stopped; keeps every sample. */
export class MemorySampler {
  readonly samples = new Map<string, number[]>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly processes: Record<string, () => number | undefined>, intervalMs = 250) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  /** The first sample, the highest and the last, in MiB, of one process. */
  figures(name: string): { first: number; peak: number; last: number } {
    const values = this.samples.get(name) ?? [];
    const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
    return { first: mib(values[0] ?? 0), peak: mib(Math.max(0, ...values)), last: mib(values[values.length - 1] ?? 0) };
  }

  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }

  private sample(): void {
    for (const [name, pidOf] of Object.entries(this.processes)) {
      const pid = pidOf();
      if (pid === undefined) continue;
      try {
        const list = this.samples.get(name) ?? [];
        list.push(residentBytes(pid));
        this.samples.set(name, list);
      } catch {
        // The process is gone: the test that killed it knows.
      }
    }
  }
}

/**
 * A person typing in a real OpenSSH session while the tests run: a line every `intervalMs` through `cat` on the
 * device, each timed from the keystroke to its echo. A line not echoed within `lostAfterMs` is a failure.
 */
export class KeystrokeProbe {
  readonly latenciesMs: number[] = [];
  readonly failures: string[] = [];
  private readonly child: ChildProcessWithoutNullStreams;
  private output = '';
  private sequence = 0;
  private readonly pending = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private exited = false;
  private stopping = false;

  constructor(args: string[], env: Record<string, string | undefined>, private readonly options: { intervalMs?: number; lostAfterMs?: number } = {}) {
    this.child = spawn('ssh', ['-T', ...args, 'cat'], { env: env as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.on('data', (chunk: Buffer) => this.heard(chunk.toString('utf8')));
    this.child.stderr.on('data', () => undefined);
    this.child.stdin.on('error', () => undefined);
    this.child.once('exit', (code) => {
      this.exited = true;
      if (!this.stopping) this.failures.push(`the probe's ssh exited with ${code}`);
    });
  }

  /** Types one line and resolves with its round trip (ms), or rejects after `timeoutMs`. */
  async keystroke(timeoutMs = 10_000): Promise<number> {
    const token = `k${++this.sequence}`;
    const started = Date.now();
    this.pending.set(token, started);
    this.child.stdin.write(`${token}\n`);
    const deadline = started + timeoutMs;
    while (this.pending.has(token)) {
      if (Date.now() > deadline || this.exited) {
        this.pending.delete(token);
        throw new Error(`keystroke ${token} was not echoed within ${timeoutMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return this.latenciesMs[this.latenciesMs.length - 1] ?? 0;
  }

  /** Resolves once the session echoes. */
  async ready(timeoutMs = 30_000): Promise<void> {
    await this.keystroke(timeoutMs);
  }

  /** Types a line every `intervalMs` until stopped, counting lines not echoed in time as failures. */
  start(): void {
    const lostAfterMs = this.options.lostAfterMs ?? 10_000;
    this.timer = setInterval(() => {
      void this.keystroke(lostAfterMs).catch((error: Error) => this.failures.push(`${new Date().toISOString()} ${error.message}`));
    }, this.options.intervalMs ?? 300);
  }

  /** p50 and highest round trip in ms. */
  figures(): { keystrokes: number; p50: number; p99: number; max: number } {
    const sorted = [...this.latenciesMs].sort((left, right) => left - right);
    const at = (fraction: number) => sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? 0;
    return { keystrokes: sorted.length, p50: at(0.5), p99: at(0.99), max: at(1) };
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.stopping = true;
    this.child.stdin.end();
    this.child.kill('SIGTERM');
  }

  private heard(text: string): void {
    this.output += text;
    const lines = this.output.split('\n');
    this.output = lines.pop() ?? '';
    for (const line of lines) {
      const started = this.pending.get(line.trim());
      if (started === undefined) continue;
      this.pending.delete(line.trim());
      this.latenciesMs.push(Date.now() - started);
    }
  }
}
