import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateDeviceKey, signRegistration } from '@fleetgate/agent-device';
import { DEVICE_AUTH_SIGNATURE_HEADER, DEVICE_AUTH_TIMESTAMP_HEADER, type DeviceAuthSignedFields } from '@fleetgate/contracts';
import type { DeviceDocument } from '@fleetgate/data-access';
import { deviceUid } from '@fleetgate/devices';
import { createTestContext, factory } from '@fleetgate/testing';
import { fleetDatabaseUrl } from '../../test/src/support/fleet';
import { startPlatform } from '../../test/src/support/platform';
import { numberSetting, readSetting, Results, round } from '../support/results';

/**
 * The API under load (issue 14): a namespace of API_DEVICES devices (default 10,000) and API_SESSIONS session
 * records (default 100,000); autocannon, in a second process, drives each route for API_SECONDS, and every figure
 * is also given as a ratio to GET /healthcheck on the same process (the framework's floor). BENCH_DB=ferretdb-pg
 * runs it on FerretDB's PostgreSQL backend instead of the SQLite one.
 */
const DEVICES = numberSetting('API_DEVICES', 10_000);
const SESSIONS = numberSetting('API_SESSIONS', 100_000);
const SECONDS = numberSetting('API_SECONDS', 10);
const CONNECTIONS = numberSetting('API_CONNECTIONS', 10);
/** Signed re-registrations prepared for POST /api/devices/auth; each is sent once (the API refuses replays). */
const AUTH_REQUESTS = numberSetting('API_AUTH_REQUESTS', 3_000);
const DATABASE = readSetting('BENCH_DB') === 'ferretdb-pg' ? 'ferretdb-pg' : 'ferretdb-sqlite';
const BACKEND = DATABASE === 'ferretdb-pg' ? 'FerretDB on PostgreSQL' : 'FerretDB on SQLite';
/** FerretDB's rule (docs/adr on write batches): no write command carries more than 50 documents. */
const SEED_BATCH = 50;
const TAGS = 10;

interface LoadResult {
  requests: number;
  requestsPerSecond: number;
  latencyP50: number;
  latencyP99: number;
  latencyMax: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

interface LoadConfig {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  bodies?: { headers: Record<string, string>; body: string }[];
  connections?: number;
  duration?: number;
  amount?: number;
  overallRate?: number;
}

function load(scratch: string, name: string, config: LoadConfig): Promise<LoadResult> {
  const file = join(scratch, `load-${name}.json`);
  writeFileSync(file, JSON.stringify({ duration: SECONDS, connections: CONNECTIONS, ...config }));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(__dirname, 'load.cjs'), file], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`load generator for ${name} exited with ${code}`));
      resolve(JSON.parse(output.trim().split('\n').pop() ?? '{}') as LoadResult);
    });
  });
}

const base64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');
const mac = (index: number) =>
  ['02', '01', ...[index >> 16, (index >> 8) & 0xff, index & 0xff, 0x17].map((byte) => byte.toString(16).padStart(2, '0'))].join(':');

it(`API with ${DEVICES} devices and ${SESSIONS} sessions on ${BACKEND}`, async () => {
  const results = new Results(`api-${DATABASE}`, `API, ${BACKEND}`, {
    devices: DEVICES,
    sessions: SESSIONS,
    seconds_per_route: SECONDS,
    connections: CONNECTIONS,
    database: BACKEND,
  });
  const print = (line: string) => process.stdout.write(`${line}\n`);
  const context = await createTestContext(__filename, DATABASE === 'ferretdb-pg' ? { mongoUrl: fleetDatabaseUrl() } : {});
  const scratch = await mkdtemp(join(tmpdir(), 'fleetgate-bench-api-'));
  // The access log at info would be written to a pipe this process reads: warn keeps the figure the API's own.
  const platform = await startPlatform(context, scratch, 'bench', { LOG_LEVEL: 'warn' }, { LOG_LEVEL: 'warn' });
  try {
    print(`API benchmark: ${DEVICES} devices, ${SESSIONS} sessions, ${BACKEND}, ${SECONDS} s per route, ${CONNECTIONS} connections`);
    results.note(
      `Database: ${BACKEND} (FerretDB 1.24; SQLite is the only MongoDB-compatible server these machines run by default). ` +
        'Load from autocannon in a second process; the api logs at warn.',
    );

    // Devices of one key (the uid also hashes the MAC), so that every one can re-register with a signature.
    const seedStarted = Date.now();
    const key = await loadOrCreateDeviceKey(join(scratch, 'device.key'));
    const now = Date.now();
    const devices: DeviceDocument[] = Array.from({ length: DEVICES }, (_, index) =>
      factory.device({
        tenant_id: platform.tenantId,
        uid: deviceUid({ identity: { mac: mac(index) }, publicKey: key.publicKeyPem, tenantId: platform.tenantId }),
        name: `device-${String(index).padStart(6, '0')}`,
        identity: { mac: mac(index) },
        public_key: key.publicKeyPem,
        // One in ten pending, as a fleet with a trickle of new devices.
        status: index % 10 === 9 ? 'pending' : 'accepted',
        last_seen: new Date(now - ((index * 7919) % (30 * 86_400)) * 1000),
        tags: [`site-${index % TAGS}`],
      }),
    );
    for (let start = 0; start < devices.length; start += SEED_BATCH) {
      await context.models.devices.insertMany(devices.slice(start, start + SEED_BATCH), { ordered: true });
    }
    const devicesSeeded = Date.now();
    for (let start = 0; start < SESSIONS; start += SEED_BATCH) {
      const batch = Array.from({ length: Math.min(SEED_BATCH, SESSIONS - start) }, (_, offset) => {
        const index = start + offset;
        const startedAt = new Date(now - index * 20_000);
        return factory.session({
          tenant_id: platform.tenantId,
          device_uid: devices[(index * 31) % devices.length].uid,
          started_at: startedAt,
          last_seen: new Date(startedAt.getTime() + 60_000),
          closed_at: new Date(startedAt.getTime() + 60_000),
          active: false,
        });
      });
      await context.models.sessions.insertMany(batch, { ordered: true });
    }
    print(
      `seeded ${DEVICES} devices in ${((devicesSeeded - seedStarted) / 1000).toFixed(1)} s and ${SESSIONS} sessions in ` +
        `${((Date.now() - devicesSeeded) / 1000).toFixed(1)} s (${SEED_BATCH} documents per insert)`,
    );
    results.figure({ key: 'seed_devices_s', name: `seeding ${DEVICES} devices`, value: round((devicesSeeded - seedStarted) / 1000), unit: 's' });
    results.figure({ key: 'seed_sessions_s', name: `seeding ${SESSIONS} sessions`, value: round((Date.now() - devicesSeeded) / 1000), unit: 's' });

    // The query plans behind the two lists, as the repositories send them (tenant scope, filter, sort, page).
    const deviceFilter = {
      tenant_id: platform.tenantId,
      $and: [{ 'info.platform': { $ne: 'connector' } }, { status: 'accepted' }, { tags: { $all: ['site-3'] } }],
    };
    const plans: Record<string, unknown> = {};
    const explain = async (name: string, command: Record<string, unknown>) => {
      try {
        const answer = (await context.connection.db?.command({ explain: command, verbosity: 'queryPlanner' })) ?? {};
        const { serverInfo: _serverInfo, ok: _ok, command: _command, ...plan } = answer;
        plans[name] = { command, plan };
      } catch (error) {
        plans[name] = { command, error: error instanceof Error ? error.message : String(error) };
      }
    };
    await explain('device list page', { find: 'devices', filter: deviceFilter, sort: { name: 1, uid: 1 }, limit: 100 });
    await explain('device list count', { count: 'devices', query: deviceFilter });
    await explain('session list page', { find: 'sessions', filter: { tenant_id: platform.tenantId }, sort: { started_at: -1, uid: 1 }, limit: 100 });
    await explain('session list count', { count: 'sessions', query: { tenant_id: platform.tenantId } });
    await explain('re-registration lookup', { find: 'devices', filter: { tenant_id: platform.tenantId, uid: devices[0].uid }, limit: 1 });
    results.detail('plans', plans);
    for (const [name, entry] of Object.entries(plans)) {
      const plan = (entry as { plan?: Record<string, unknown>; error?: string }).plan ?? {};
      const pushdown = ['filterPushdown', 'sortPushdown', 'limitPushdown', 'unsafeFilterPushdown']
        .filter((field) => field in plan)
        .map((field) => `${field} ${String(plan[field])}`)
        .join(', ');
      print(`plan: ${name}: ${pushdown || (entry as { error?: string }).error || JSON.stringify(plan).slice(0, 200)}`);
    }

    const auth = { authorization: `Bearer ${platform.token}` };
    const filter = base64([{ type: 'property', params: { name: 'tags', operator: 'contains', value: ['site-3'] } }]);
    const routes: { key: string; name: string; config: LoadConfig }[] = [
      { key: 'healthcheck', name: 'GET /healthcheck', config: { url: `${platform.apiUrl}/healthcheck` } },
      {
        key: 'devices',
        name: 'GET /api/devices (page of 100, tag filter, status, sort by name)',
        config: { url: `${platform.apiUrl}/api/devices?page=1&per_page=100&status=accepted&filter=${encodeURIComponent(filter)}&sort_by=name&order_by=asc`, headers: auth },
      },
      { key: 'sessions', name: 'GET /api/sessions (page of 100, newest first)', config: { url: `${platform.apiUrl}/api/sessions?page=1&per_page=100`, headers: auth } },
    ];
    const measured = new Map<string, LoadResult>();
    const run = async (key: string, name: string, config: LoadConfig) => {
      const result = await load(scratch, key, config);
      measured.set(key, result);
      print(
        `${name.padEnd(68)} ${result.requestsPerSecond.toFixed(1).padStart(8)} req/s  p50 ${String(result.latencyP50).padStart(5)} ms  ` +
          `p99 ${String(result.latencyP99).padStart(5)} ms  non-2xx ${result.non2xx}  errors ${result.errors + result.timeouts}`,
      );
      return result;
    };
    for (const route of routes) await run(route.key, route.name, route.config);

    // Re-registration, signed as the agent signs it, each signature used once.
    const signed = Array.from({ length: AUTH_REQUESTS }, (_, index) => {
      const device = devices[index % devices.length];
      const fields: DeviceAuthSignedFields = {
        info: device.info,
        identity: { mac: device.identity.mac },
        hostname: device.name,
        public_key: key.publicKeyPem,
        tenant_id: platform.tenantId,
      };
      // Distinct timestamps keep every signature distinct even for the same device.
      const timestamp = String(Date.now() + index);
      return {
        headers: { [DEVICE_AUTH_SIGNATURE_HEADER]: signRegistration(key.privateKeyPem, fields, timestamp), [DEVICE_AUTH_TIMESTAMP_HEADER]: timestamp },
        body: JSON.stringify(fields),
      };
    });
    await run('auth', 'POST /api/devices/auth (signed re-registration)', {
      url: `${platform.apiUrl}/api/devices/auth`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      bodies: signed,
      amount: AUTH_REQUESTS,
    });
    // One connection: the API lets one login of a user from one address run at a time (the lockout's in-flight slot).
    await run('login', 'POST /api/login (one connection)', {
      url: `${platform.apiUrl}/api/login`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'owner', password: 'owner-password-1' }),
      connections: 1,
    });
    // The goal's own terms: the device list at a steady 200 requests per second.
    const steady = await run('devices_200', 'GET /api/devices at a fixed 200 req/s', { ...routes[1].config, overallRate: 200 });

    const floor = measured.get('healthcheck');
    // A route that completed no request within the run has no rate or latency to report (autocannon says 0).
    const answered = (result: LoadResult | undefined, value: number | undefined) => (result && result.requests > 0 && value !== undefined ? value : null);
    const figureOf = (key: string, name: string, extra: { goal?: string; met?: boolean } = {}) => {
      const result = measured.get(key);
      if (!result) return;
      const reference = { referenceName: 'GET /healthcheck' };
      results.figure({ key: `${key}.rps`, name: `${name}: requests per second`, value: round(result.requestsPerSecond), unit: 'req/s', reference: floor ? round(floor.requestsPerSecond) : null, ...reference, ...extra });
      results.figure({ key: `${key}.p50`, name: `${name}: latency p50`, value: answered(result, result.latencyP50), unit: 'ms', reference: answered(floor, floor?.latencyP50), ...reference });
      results.figure({ key: `${key}.p99`, name: `${name}: latency p99`, value: answered(result, result.latencyP99), unit: 'ms', reference: answered(floor, floor?.latencyP99), ...reference });
      results.figure({ key: `${key}.failed`, name: `${name}: non-2xx answers and errors`, value: result.non2xx + result.errors + result.timeouts, unit: 'requests', goal: '0', met: result.non2xx + result.errors + result.timeouts === 0 });
    };
    if (floor) {
      results.figure({ key: 'healthcheck.rps', name: 'GET /healthcheck: requests per second', value: round(floor.requestsPerSecond), unit: 'req/s' });
      results.figure({ key: 'healthcheck.p99', name: 'GET /healthcheck: latency p99', value: floor.latencyP99, unit: 'ms' });
    }
    const devicesResult = measured.get('devices');
    figureOf('devices', routes[1].name, { goal: '≥ 200 req/s', met: (devicesResult?.requestsPerSecond ?? 0) >= 200 });
    figureOf('sessions', routes[2].name);
    figureOf('auth', 'POST /api/devices/auth');
    figureOf('login', 'POST /api/login');
    results.figure({ key: 'devices_200.rps', name: 'GET /api/devices at a fixed 200 req/s: achieved', value: round(steady.requestsPerSecond), unit: 'req/s', goal: '≥ 195 req/s', met: steady.requestsPerSecond >= 195 });
    const steadyP99 = answered(steady, steady.latencyP99);
    results.figure({ key: 'devices_200.p99', name: 'GET /api/devices at a fixed 200 req/s: latency p99', value: steadyP99, unit: 'ms', goal: '< 50 ms', met: steadyP99 !== null && steadyP99 < 50 });
    results.detail('load', Object.fromEntries(measured));
  } catch (error) {
    results.note(`stopped: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  } finally {
    await platform.stop();
    await context.close();
    await rm(scratch, { recursive: true, force: true });
  }
});
