import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import pino from 'pino';
import type { Connection } from 'mongoose';
import { AgentRunner, loadOrCreateDeviceKey, TunnelClient } from '@fleetgate/agent-device';
import { type PlatformKeys, signDeviceToken } from '@fleetgate/auth';
import type { AgentConfig } from '@fleetgate/config';
import { insertManyInChunks, registerModels } from '@fleetgate/data-access';
import { deviceUid } from '@fleetgate/devices';
import { factory } from '@fleetgate/testing';
import { root } from '../apps';

/**
 * FerretDB on this machine's PostgreSQL, started if needed (`scripts/services.sh`, FLEETGATE_DB=ferretdb-pg): the
 * fleet tests and benchmarks run there, because the SQLite backend scans the whole collection for every device
 * lookup (no filter pushdown) while the PostgreSQL one pushes the filter down (docs/adr/0005-presence-in-redis.md).
 */
export function fleetDatabaseUrl(): string {
  const started = spawnSync('bash', [join(root, 'scripts/services.sh'), 'database-url'], {
    env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: '/root', FLEETGATE_DB: 'ferretdb-pg' },
    encoding: 'utf8',
    cwd: root,
    timeout: 60_000,
  });
  const url = started.stdout.trim().split('\n').pop() ?? '';
  if (started.status !== 0 || !url.startsWith('mongodb://')) {
    throw new Error(`FerretDB on PostgreSQL did not start: ${started.stderr}${started.stdout}`);
  }
  return url;
}

/** What the simulated agents logged, by event. */
export interface FleetCounts {
  tunnelUp: number;
  tunnelDown: number;
  registered: number;
  connectFailed: number;
}

/**
 * Many devices in one process, each running the real agent (`AgentRunner`: registration, backoff, `TunnelClient`).
 * They share one device key and differ by MAC, so each has its own uid without an RSA key generation each; their
 * SSH servers refuse every stream (these tests are about presence, not sessions).
 */
export class SimulatedFleet {
  readonly counts: FleetCounts = { tunnelUp: 0, tunnelDown: 0, registered: 0, connectFailed: 0 };
  /** When each tunnel last came up (epoch ms), in order. */
  readonly tunnelUpTimes: number[] = [];
  private readonly runners: AgentRunner[] = [];
  private readonly running: Promise<void>[] = [];

  private constructor(
    readonly macs: readonly string[],
    readonly uids: readonly string[],
    private readonly keyPath: string,
  ) {}

  /** Arranges `count` accepted devices in the database, as if each had registered and been accepted. */
  static async arrange(connection: Connection, options: { tenantId: string; count: number; scratch: string }): Promise<SimulatedFleet> {
    const keyPath = join(options.scratch, 'fleet-device.key');
    const key = await loadOrCreateDeviceKey(keyPath);
    const macs = Array.from({ length: options.count }, (_, index) =>
      ['02', '00', ...[index >> 16, (index >> 8) & 0xff, index & 0xff, 0x42].map((byte) => byte.toString(16).padStart(2, '0'))].join(':'),
    );
    const devices = macs.map((mac, index) =>
      factory.device({
        tenant_id: options.tenantId,
        uid: deviceUid({ identity: { mac }, publicKey: key.publicKeyPem, tenantId: options.tenantId }),
        name: `fleet-${index}`,
        identity: { mac },
        public_key: key.publicKeyPem,
        status: 'accepted',
      }),
    );
    await insertManyInChunks(registerModels(connection).devices, devices);
    return new SimulatedFleet(macs, devices.map((device) => device.uid), keyPath);
  }

  /** Starts the agents in waves (a fleet powering up is not one instant); resolves once all are started. */
  async start(options: { apiUrl: string; tenantId: string; wave?: number; waveMs?: number }): Promise<void> {
    const logger = pino({ level: 'info' }, countEvents(this.counts, this.tunnelUpTimes));
    const config: AgentConfig = {
      serverAddress: options.apiUrl,
      tenantId: options.tenantId,
      privateKeyPath: this.keyPath,
      preferredHostname: undefined,
      preferredIdentity: undefined,
      heartbeatIntervalSeconds: 30,
      log: { level: 'info' },
      mode: 'host',
      connector: { dockerSocket: '/nonexistent', keysDirectory: '/nonexistent' },
    };
    const wave = options.wave ?? 200;
    for (let start = 0; start < this.macs.length; start += wave) {
      for (const [offset, mac] of this.macs.slice(start, start + wave).entries()) {
        const runner = new AgentRunner(config, '0.0.0-fleet', logger, {
          identity: {
            mac,
            hostname: `fleet-${start + offset}`,
            info: { id: 'fleet', pretty_name: 'Simulated device', version: '0.0.0-fleet', arch: 'x86_64', platform: 'native' },
          },
          createSessionServer: () => ({ serve: (stream) => stream.destroy() }),
        });
        this.runners.push(runner);
        this.running.push(runner.run().catch(() => undefined));
      }
      await new Promise((resolve) => setTimeout(resolve, options.waveMs ?? 250));
    }
  }

  async stop(): Promise<void> {
    for (const runner of this.runners) runner.stop();
    await Promise.race([Promise.all(this.running), new Promise((resolve) => setTimeout(resolve, 10_000))]);
  }

}

/** Counts what the api logs while it runs: registrations, and answers that were server errors. */
export function countApiRequests(output: NodeJS.ReadableStream): { registrations: number; serverErrors: number; requests: number } {
  const counts = { registrations: 0, serverErrors: 0, requests: 0 };
  let partial = '';
  output.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.includes('"statusCode"')) continue;
      counts.requests++;
      if (line.includes('"url":"/api/devices/auth"')) counts.registrations++;
      if (/"statusCode":5\d\d/.test(line)) counts.serverErrors++;
    }
  });
  return counts;
}

/** Reads the agents' log lines and counts their events. */
function countEvents(counts: FleetCounts, tunnelUpTimes: number[]): Writable {
  return new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        const event = /"event":"([a-z-]+)"/.exec(line)?.[1];
        if (event === 'tunnel-up') {
          counts.tunnelUp++;
          tunnelUpTimes.push(Date.now());
        } else if (event === 'tunnel-down') counts.tunnelDown++;
        else if (event === 'registered') counts.registered++;
        else if (event === 'connect-failed') counts.connectFailed++;
      }
      done();
    },
  });
}

/** Reconnect delays of the tunnel-only fleet: full jitter from the first retry, capped. */
const RECONNECT_BASE_MS = 1_000;
const RECONNECT_CAP_MS = 8_000;

/**
 * Devices that registered earlier and hold their token: each runs the agent's `TunnelClient` and, when its tunnel
 * drops, reconnects with the same token after a full-jitter delay, never calling the api. This is the reconnect
 * behaviour issue 18 asks of the agent, so the presence tests measure the gateway and Redis, not registration.
 */
export class TunnelFleet {
  readonly counts: FleetCounts = { tunnelUp: 0, tunnelDown: 0, registered: 0, connectFailed: 0 };
  readonly tunnelUpTimes: number[] = [];
  private stopped = false;
  private readonly clients = new Set<TunnelClient>();
  private readonly wakers = new Set<() => void>();
  private readonly running: Promise<void>[] = [];

  constructor(
    private readonly uids: readonly string[],
    private readonly options: { tenantId: string; tunnelUrl: string; keys: PlatformKeys },
  ) {}

  async start(options: { wave?: number; waveMs?: number } = {}): Promise<void> {
    const logger = pino({ level: 'info' }, countEvents(this.counts, this.tunnelUpTimes));
    const wave = options.wave ?? 250;
    for (let start = 0; start < this.uids.length; start += wave) {
      for (const uid of this.uids.slice(start, start + wave)) {
        const token = signDeviceToken(this.options.keys, { uid, tenantId: this.options.tenantId });
        this.running.push(this.hold(token, logger));
      }
      await new Promise((resolve) => setTimeout(resolve, options.waveMs ?? 100));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const client of this.clients) client.close();
    for (const wake of this.wakers) wake();
    await Promise.race([Promise.all(this.running), new Promise((resolve) => setTimeout(resolve, 10_000))]);
  }

  private async hold(token: string, logger: pino.Logger): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      const client = new TunnelClient({
        tunnelUrl: this.options.tunnelUrl,
        token,
        pingSeconds: 30,
        logger,
        onHello: () => undefined,
        onStream: (stream) => stream.destroy(),
      });
      this.clients.add(client);
      const outcome = await client.run();
      this.clients.delete(client);
      if (this.stopped) return;
      this.counts.tunnelDown++;
      failures = outcome.connected ? 1 : failures + 1;
      const delay = Math.random() * Math.min(RECONNECT_CAP_MS, RECONNECT_BASE_MS * 2 ** failures);
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.wakers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, delay);
        this.wakers.add(wake);
      });
    }
  }
}

interface Stats {
  online_devices: number;
}

/**
 * `GET /api/stats` as the namespace owner, each request bounded (a stalled api fails the test instead of hanging
 * it); every answer that is not a 200 is kept in `failures`, so tests can say that no request failed.
 */
export function statsProbe(apiUrl: string, token: string) {
  const failures: string[] = [];
  const online = async (): Promise<number | undefined> => {
    try {
      const response = await fetch(`${apiUrl}/api/stats`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(10_000),
      });
      if (response.status === 200) return ((await response.json()) as Stats).online_devices;
      failures.push(`HTTP ${response.status}`);
    } catch (error) {
      failures.push(error instanceof Error ? error.message : String(error));
    }
    return undefined;
  };
  /** Polls until the online count satisfies `done`; returns when (epoch ms), or throws once `timeoutMs` passed. */
  const onlineBecomes = async (done: (count: number) => boolean, timeoutMs: number, what: string): Promise<number> => {
    const deadline = Date.now() + timeoutMs;
    let last: number | undefined;
    while (Date.now() < deadline) {
      last = await online();
      if (last !== undefined && done(last)) return Date.now();
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`online devices never became ${what} within ${Math.round(timeoutMs / 1000)} s (last answer: ${last})`);
  };
  return { failures, online, onlineBecomes };
}

/** Waits until `count()` reaches `target`, bounded. */
export async function until(count: () => number, target: number, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (count() < target) {
    if (Date.now() > deadline) throw new Error(`${what}: ${count()} of ${target} within ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** p50, p99 and p100 of delays in ms, as text in seconds. */
export function spreadOf(delays: number[]): string {
  const sorted = [...delays].sort((left, right) => left - right);
  const at = (fraction: number) => (sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] / 1000).toFixed(1);
  return sorted.length === 0 ? 'none' : `p50 ${at(0.5)} s, p99 ${at(0.99)} s, p100 ${at(1)} s`;
}
