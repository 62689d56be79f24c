import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestContext, type TestContext } from '@fleetgate/testing';
import { countApiRequests, fleetDatabaseUrl, SimulatedFleet, spreadOf, statsProbe, until } from './support/fleet';
import { type Platform, startPlatform } from './support/platform';

const DEVICES = 2_000;

/**
 * The real agent (AgentRunner: registration, backoff, TunnelClient) at fleet scale through a gateway SIGKILL and
 * immediate restart (issue 18 tests, issue 8 item 7). It needs the agent to reuse its token and re-register only on
 * 401/403 (issue 18 item 4, the agent's side): until then every reconnect re-registers and this fails on the
 * registration count and, under the resulting storm, on time.
 */
describe(`the real agent, ${DEVICES} of them, through a gateway SIGKILL and restart`, () => {
  let context: TestContext;
  let scratch: string;
  let platform: Platform;
  let fleet: SimulatedFleet;
  let api: ReturnType<typeof countApiRequests>;
  let probe: ReturnType<typeof statsProbe>;

  beforeAll(async () => {
    context = await createTestContext(__filename, { mongoUrl: fleetDatabaseUrl() });
    scratch = await mkdtemp(join(tmpdir(), 'fleetgate-fleet-agents-'));
    platform = await startPlatform(context, scratch, 'agents');
    const apiOutput = platform.processes[0].child.stdout;
    if (!apiOutput) throw new Error('the api process has no output to read');
    api = countApiRequests(apiOutput);
    probe = statsProbe(platform.apiUrl, platform.token);
    fleet = await SimulatedFleet.arrange(context.connection, { tenantId: platform.tenantId, count: DEVICES, scratch });
  }, 120_000);

  afterAll(async () => {
    await fleet?.stop();
    await platform?.stop();
    await context?.close();
    await rm(scratch, { recursive: true, force: true });
  }, 60_000);

  it(`brings all ${DEVICES} back within 30 s of a SIGKILL and restart, with fewer than 100 registrations and no failed request`, async () => {
    await fleet.start({ apiUrl: platform.apiUrl, tenantId: platform.tenantId });
    await until(() => fleet.counts.tunnelUp, DEVICES, 150_000, 'tunnels up');
    await probe.onlineBecomes((online) => online === DEVICES, 10_000, `exactly ${DEVICES}`);

    const registrationsBefore = api.registrations;
    const failedBefore = fleet.counts.connectFailed;
    const upBefore = fleet.tunnelUpTimes.length;
    await platform.gateway.stop('SIGKILL');
    const restartedAt = Date.now();
    await platform.restartGateway();
    const backAt = await probe.onlineBecomes((online) => online === DEVICES, restartedAt + 30_000 - Date.now(), `${DEVICES} again`);
    const registrations = api.registrations - registrationsBefore;
    console.log(
      `agents: all ${DEVICES} back ${((backAt - restartedAt) / 1000).toFixed(1)} s after the restart; reconnects ` +
        `${spreadOf(fleet.tunnelUpTimes.slice(upBefore).map((at) => at - restartedAt))}; registrations ${registrations}`,
    );
    expect(registrations).toBeLessThan(100);
    expect(probe.failures).toEqual([]);
    expect(api.serverErrors).toBe(0);
    // A registration or /info call of an agent that failed (timed out, refused) is logged by the agent as such.
    expect(fleet.counts.connectFailed - failedBefore).toBe(0);
  }, 300_000);
});
