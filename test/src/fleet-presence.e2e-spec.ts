import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreatePlatformKeys } from '@fleetgate/auth';
import { createTestContext, type TestContext } from '@fleetgate/testing';
import { countApiRequests, fleetDatabaseUrl, SimulatedFleet, spreadOf, statsProbe, TunnelFleet, until } from './support/fleet';
import { type Platform, startPlatform } from './support/platform';

/** The test size; the benchmark (bench/fleet) runs 10,000. */
const DEVICES = 2_000;

/**
 * Fleet-scale presence (issue 18): thousands of devices, each running the agent's TunnelClient (many per process),
 * against the real api and gateway processes on FerretDB's PostgreSQL backend. The devices registered earlier and
 * hold their token, and reconnect without the api (full jitter, token reuse), as issue 18 asks of the agent; the
 * real AgentRunner's own reconnect (no registration during a storm) is tested with 200 of them in
 * reconnect-storm.e2e-spec.ts: 2,000 AgentRunners cannot even register within a CI run on 2 cores.
 */
describe(`presence of ${DEVICES} devices through a gateway kill and restart`, () => {
  let context: TestContext;
  let scratch: string;
  let platform: Platform;
  let fleet: TunnelFleet;
  let api: ReturnType<typeof countApiRequests>;
  let probe: ReturnType<typeof statsProbe>;

  beforeAll(async () => {
    context = await createTestContext(__filename, { mongoUrl: fleetDatabaseUrl() });
    scratch = await mkdtemp(join(tmpdir(), 'fleetgate-fleet-'));
    platform = await startPlatform(context, scratch, 'fleet');
    const apiOutput = platform.processes[0].child.stdout;
    if (!apiOutput) throw new Error('the api process has no output to read');
    api = countApiRequests(apiOutput);
    probe = statsProbe(platform.apiUrl, platform.token);
    const arranged = await SimulatedFleet.arrange(context.connection, { tenantId: platform.tenantId, count: DEVICES, scratch });
    const keys = await loadOrCreatePlatformKeys(join(scratch, 'keys'));
    fleet = new TunnelFleet(arranged.uids, { tenantId: platform.tenantId, tunnelUrl: platform.tunnelUrl, keys });
  }, 120_000);

  afterAll(async () => {
    await fleet?.stop();
    await platform?.stop();
    await context?.close();
    await rm(scratch, { recursive: true, force: true });
  }, 60_000);

  it(`reports exactly ${DEVICES} online within 10 s of the last connect`, async () => {
    await fleet.start();
    await until(() => fleet.counts.tunnelUp, DEVICES, 90_000, 'tunnels up');
    const lastConnect = Math.max(...fleet.tunnelUpTimes);
    const exactAt = await probe.onlineBecomes((online) => online === DEVICES, lastConnect + 10_000 - Date.now(), `exactly ${DEVICES}`);
    console.log(`fleet: ${DEVICES} online ${((exactAt - lastConnect) / 1000).toFixed(1)} s after the last connect`);
  }, 120_000);

  it('drops the count to 0 within 40 s of the gateway’s SIGKILL, with nobody telling it', async () => {
    const killedAt = Date.now();
    await platform.gateway.stop('SIGKILL');
    const zeroAt = await probe.onlineBecomes((online) => online === 0, 40_000, '0');
    console.log(`fleet: 0 online ${((zeroAt - killedAt) / 1000).toFixed(1)} s after SIGKILL`);
  }, 60_000);

  it(`brings all ${DEVICES} back online within 30 s of a restart, and no request fails`, async () => {
    const upBefore = fleet.tunnelUpTimes.length;
    const restartedAt = Date.now();
    await platform.restartGateway();
    const backAt = await probe.onlineBecomes((online) => online === DEVICES, restartedAt + 30_000 - Date.now(), `${DEVICES} again`);
    const reconnects = fleet.tunnelUpTimes.slice(upBefore).map((at) => at - restartedAt);
    console.log(
      `fleet: all ${DEVICES} back ${((backAt - restartedAt) / 1000).toFixed(1)} s after the restart; ` +
        `reconnects ${spreadOf(reconnects)}; api requests ${api.requests}, registrations ${api.registrations}`,
    );
    expect(probe.failures).toEqual([]);
    expect(api.serverErrors).toBe(0);
  }, 60_000);
});
