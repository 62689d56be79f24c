import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreatePlatformKeys } from '@fleetgate/auth';
import { createTestContext } from '@fleetgate/testing';
import { fleetDatabaseUrl, SimulatedFleet, spreadOf, TunnelFleet, until } from '../../test/src/support/fleet';
import { startPlatform } from '../../test/src/support/platform';
import { cpuSeconds, numberSetting, percentile, Results, round, rssMegabytes as rssOf } from '../support/results';

/**
 * Reconnect storm at fleet scale (issue 18): N devices hold tunnels (the agent's TunnelClient, reusing its token,
 * full jitter), the gateway is killed with SIGKILL and restarted at once, and while the fleet comes back a steady
 * load of API reads runs. Prints figures against the goals: all back within 30 s, no API error, stats exact within
 * 10 s. FLEET_DEVICES sets N (default 10,000).
 */
const DEVICES = numberSetting('FLEET_DEVICES', 10_000);
/** How long the idle fleet settles before memory and CPU are read, and the storm's aftermath before presence is read. */
const SETTLE_MS = numberSetting('FLEET_SETTLE_MS', 12_000);

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
  const results = new Results(`fleet-${DEVICES}`, `Fleet scale, ${DEVICES.toLocaleString('en')} devices on one gateway`, { devices: DEVICES, settle_ms: SETTLE_MS });
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
    results.note('Database: FerretDB 1.24 on the local PostgreSQL. The simulated agents reuse their tokens (TunnelFleet), so they make no API call when they reconnect.');
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
    results.figure({ key: 'cold_start_s', name: 'cold start: all tunnels up', value: round((lastConnect - startedAt) / 1000), unit: 's' });
    results.figure({ key: 'cold_stats_exact_s', name: 'cold start: stats exact after the last connect', value: exact < 0 ? null : round(exact / 1000), unit: 's', goal: '≤ 10 s', met: exact >= 0 && exact <= 10_000 });
    const gatewayPid = platform.gateway.child.pid;
    const cpuBefore = cpuSeconds(gatewayPid);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const idleCpu = (cpuSeconds(gatewayPid) - cpuBefore) / (SETTLE_MS / 1000);
    print(`gateway memory with ${DEVICES} idle tunnels: ${rssMegabytes(gatewayPid)}; CPU at idle ${(idleCpu * 100).toFixed(1)} % of one core`);
    const idleMemory = rssOf(gatewayPid);
    results.figure({ key: 'gateway_rss_mb', name: 'gateway memory, idle tunnels', value: idleMemory, unit: 'MB', ...(DEVICES >= 10_000 ? { goal: '≤ 256 MB at 10,000', met: idleMemory <= 256 } : {}) });
    results.figure({ key: 'gateway_kb_per_tunnel', name: 'gateway memory per tunnel (whole RSS / tunnels)', value: round((idleMemory * 1024) / DEVICES), unit: 'KB' });
    results.figure({ key: 'gateway_idle_cpu_pct', name: 'gateway CPU at idle', value: round(idleCpu * 100), unit: '% of a core' });

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
    results.figure({ key: 'restart_s', name: 'gateway restart until healthy', value: round((Date.now() - restartedAt) / 1000), unit: 's' });
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
    results.figure({ key: 'storm_p50_s', name: 'reconnect storm p50', value: round((percentile(reconnects, 0.5) ?? 0) / 1000), unit: 's' });
    results.figure({ key: 'storm_p99_s', name: 'reconnect storm p99', value: round((percentile(reconnects, 0.99) ?? 0) / 1000), unit: 's' });
    results.figure({ key: 'storm_all_back_s', name: 'all tunnels back after the restart', value: round(allBack / 1000), unit: 's', goal: '≤ 30 s', met: allBack <= 30_000 });
    results.figure({ key: 'storm_stats_exact_s', name: 'stats exact after the restart', value: backInStats < 0 ? null : round(backInStats / 1000), unit: 's', goal: '≤ 30 s', met: backInStats >= 0 && backInStats <= 30_000 });
    results.figure({ key: 'storm_api_requests', name: 'device-list requests during the storm', value: load.requests, unit: 'requests' });
    results.figure({ key: 'storm_api_errors', name: 'API errors during the storm', value: load.errors, unit: 'errors', goal: '0', met: load.errors === 0 });
    results.figure({ key: 'storm_api_p99_ms', name: 'device-list p99 during the storm', value: at(0.99), unit: 'ms' });
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, SETTLE_MS - 1_000)));
    const writes = presenceWrites();
    const elapsed = (Date.now() - restartedAt) / 1000;
    print(
      `presence writes since the restart: ${writes.redisCommands - writesBefore.redisCommands} Redis commands in ${elapsed.toFixed(0)} s ` +
        `(${((writes.redisCommands - writesBefore.redisCommands) / elapsed).toFixed(1)}/s), ${writes.lastSeenCommands} last_seen updateMany`,
    );
    results.figure({ key: 'presence_redis_per_s', name: 'presence: Redis commands per second after the restart', value: round((writes.redisCommands - writesBefore.redisCommands) / elapsed), unit: '/s' });
    results.figure({ key: 'presence_last_seen_writes', name: 'presence: last_seen updateMany since the restart', value: writes.lastSeenCommands, unit: 'commands' });
    results.figure({ key: 'presence_last_seen_per_min', name: 'presence: last_seen bulk writes per minute', value: round((writes.lastSeenCommands / elapsed) * 60), unit: '/min', goal: '≤ 20/min (one every 3 s), whatever the size', met: writes.lastSeenCommands / elapsed <= 1 / 3 });
    print(`gateway memory after the storm: ${rssMegabytes(platform.gateway.child.pid)}`);
    results.figure({ key: 'gateway_rss_after_storm_mb', name: 'gateway memory after the storm', value: rssOf(platform.gateway.child.pid), unit: 'MB' });
  } catch (error) {
    print(`benchmark stopped: ${error instanceof Error ? error.message : String(error)}`);
    results.note(`stopped: ${error instanceof Error ? error.message : String(error)}`);
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
