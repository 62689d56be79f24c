import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreatePlatformKeys } from '@fleetgate/auth';
import { createTestContext } from '@fleetgate/testing';
import { fleetDatabaseUrl, SimulatedFleet, spreadOf, TunnelFleet, until } from '../../test/src/support/fleet';
import { startPlatform } from '../../test/src/support/platform';

/**
 * Reconnect storm at fleet scale (issue 18): N devices hold tunnels (the agent's TunnelClient, reusing its token,
 * full jitter), the gateway is killed with SIGKILL and restarted at once, and while the fleet comes back a steady
 * load of API reads runs. Prints figures against the goals: all back within 30 s, no API error, stats exact within
 * 10 s. FLEET_DEVICES sets N (default 10,000).
 */
const DEVICES = Number(readSetting('FLEET_DEVICES') ?? 10_000);

function readSetting(name: string): string | undefined {
  // The bench is not an app: it reads its one knob from /proc instead of process.env, which lint keeps to the
  // config lib.
  const entry = readFileSync('/proc/self/environ', 'utf8').split('\0').find((line) => line.startsWith(`${name}=`));
  return entry?.slice(name.length + 1);
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const rssMegabytes = (pid: number | undefined) => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((entry) => entry.startsWith('VmRSS:'));
  return `${Math.round(Number(line?.replace(/\D+/g, '') ?? 0) / 1024)} MB`;
};

it(`reconnect storm of ${DEVICES} devices`, async () => {
  const context = await createTestContext(__filename, { mongoUrl: fleetDatabaseUrl() });
  const scratch = await mkdtemp(join(tmpdir(), 'fleetgate-bench-fleet-'));
  const platform = await startPlatform(context, scratch, 'bench', { LOG_LEVEL: 'debug' });
  const figures: string[] = [];
  const print = (line: string) => {
    figures.push(line);
    process.stdout.write(`${line}\n`);
  };
  const stats = async () => {
    const response = await fetch(`${platform.apiUrl}/api/stats`, {
      headers: { authorization: `Bearer ${platform.token}` },
      signal: AbortSignal.timeout(10_000),
    });
    return response.status === 200 ? ((await response.json()) as { online_devices: number }).online_devices : -1;
  };
  const presenceWrites = () => {
    const lines = platform.gateway.output().split('\n').filter((line) => line.includes('"event":"presence"'));
    const last = lines.at(-1);
    return last ? (JSON.parse(last) as { redisCommands: number; lastSeenCommands: number }) : { redisCommands: 0, lastSeenCommands: 0 };
  };
  let fleet: TunnelFleet | undefined;
  // A long wait prints where it stands every 10 s, so a slow or stuck run shows what it is waiting for.
  const progress = setInterval(() => {
    if (!fleet) return;
    const { tunnelUp, tunnelDown, connectFailed } = fleet.counts;
    void stats().then(
      (online) => print(`  ... tunnels up ${tunnelUp}, down ${tunnelDown}, connect failures ${connectFailed}; stats online ${online}`),
      (error: unknown) => print(`  ... tunnels up ${tunnelUp}, down ${tunnelDown}, connect failures ${connectFailed}; stats failed: ${String(error)}`),
    );
  }, 10_000);
  try {
    print(`fleet benchmark: ${DEVICES} devices, FerretDB on PostgreSQL, ${new Date().toISOString()}`);
    const arrangedAt = Date.now();
    const arranged = await SimulatedFleet.arrange(context.connection, { tenantId: platform.tenantId, count: DEVICES, scratch });
    print(`arranged ${DEVICES} accepted devices in ${seconds(Date.now() - arrangedAt)}`);
    const keys = await loadOrCreatePlatformKeys(join(scratch, 'keys'));
    fleet = new TunnelFleet(arranged.uids, { tenantId: platform.tenantId, tunnelUrl: platform.tunnelUrl, keys });

    const startedAt = Date.now();
    await fleet.start({ wave: 500, waveMs: 100 });
    await until(() => fleet?.counts.tunnelUp ?? 0, DEVICES, 600_000, 'tunnels up');
    const lastConnect = Math.max(...fleet.tunnelUpTimes);
    let exact = -1;
    while (Date.now() - lastConnect < 60_000) {
      if ((await stats()) === DEVICES) {
        exact = Date.now() - lastConnect;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    print(`cold start: all tunnels up in ${seconds(lastConnect - startedAt)}; stats exact ${exact < 0 ? 'NOT within 60 s' : `${seconds(exact)} after the last connect`} (goal: within 10 s)`);
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    print(`gateway memory with ${DEVICES} idle tunnels: ${rssMegabytes(platform.gateway.child.pid)}`);

    // The storm: SIGKILL and an immediate restart, with API reads running throughout.
    const load = { requests: 0, errors: 0, latencies: [] as number[] };
    let loading = true;
    const reading = (async () => {
      while (loading) {
        const started = Date.now();
        try {
          const response = await fetch(`${platform.apiUrl}/api/devices?page=1&per_page=100`, {
            headers: { authorization: `Bearer ${platform.token}` },
            signal: AbortSignal.timeout(10_000),
          });
          await response.arrayBuffer();
          if (response.status !== 200) load.errors++;
        } catch {
          load.errors++;
        }
        load.requests++;
        load.latencies.push(Date.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const upBefore = fleet.tunnelUpTimes.length;
    await platform.gateway.stop('SIGKILL');
    const restartedAt = Date.now();
    await platform.restartGateway();
    const writesBefore = { redisCommands: 0, lastSeenCommands: 0 };
    print(`gateway restarted (healthy) in ${seconds(Date.now() - restartedAt)}`);
    await until(() => (fleet?.tunnelUpTimes.length ?? 0) - upBefore, DEVICES, 600_000, 'tunnels back');
    const allBack = Math.max(...fleet.tunnelUpTimes.slice(upBefore)) - restartedAt;
    let backInStats = -1;
    while (Date.now() - restartedAt < 600_000) {
      if ((await stats()) === DEVICES) {
        backInStats = Date.now() - restartedAt;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    loading = false;
    await reading;
    const reconnects = fleet.tunnelUpTimes.slice(upBefore).map((at) => at - restartedAt);
    print(`reconnect storm: ${spreadOf(reconnects)} after the restart; all tunnels back ${seconds(allBack)}, stats exact ${seconds(backInStats)} (goal: within 30 s)`);
    const latencies = [...load.latencies].sort((left, right) => left - right);
    const at = (fraction: number) => latencies[Math.min(latencies.length - 1, Math.floor(fraction * latencies.length))] ?? 0;
    print(`API during the storm: ${load.requests} device-list requests, ${load.errors} errors (goal: 0), latency p50 ${at(0.5)} ms, p99 ${at(0.99)} ms`);
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    const writes = presenceWrites();
    const elapsed = (Date.now() - restartedAt) / 1000;
    print(
      `presence writes since the restart: ${writes.redisCommands - writesBefore.redisCommands} Redis commands in ${elapsed.toFixed(0)} s ` +
        `(${((writes.redisCommands - writesBefore.redisCommands) / elapsed).toFixed(1)}/s), ${writes.lastSeenCommands} last_seen updateMany`,
    );
    print(`gateway memory after the storm: ${rssMegabytes(platform.gateway.child.pid)}`);
  } catch (error) {
    print(`benchmark stopped: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  } finally {
    clearInterval(progress);
    print('stopping the fleet and the platform...');
    await fleet?.stop();
    await platform.stop();
    await context.close();
    await rm(scratch, { recursive: true, force: true });
  }
  expect(figures.length).toBeGreaterThan(0);
});
