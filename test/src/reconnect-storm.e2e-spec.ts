import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentRunner, type DeviceIdentity, type Fetch, loadOrCreateDeviceKey } from '@fleetgate/agent-device';
import type { AgentConfig } from '@fleetgate/config';
import { createLogger } from '@fleetgate/logging';
import { createTestContext, type TestContext } from '@fleetgate/testing';
import { eventually, type Platform, startPlatform } from './support/platform';

const AGENTS = 200;
/** "A handful": the storm may cost a few registrations (a token refused mid-restart, say), never one per agent. */
const MAX_STORM_REGISTRATIONS = 5;

interface SimulatedAgent {
  runner: AgentRunner;
  mac: string;
  up: boolean;
  /** When its tunnel last came up (the gateway's hello arrived), ms since the epoch. */
  upAt: number;
  downs: number;
}

/**
 * 200 agents, each the real AgentRunner and TunnelClient, in this process, against the api and the gateway running
 * as real processes. The gateway is killed and restarted: every agent must come back on its kept token, without
 * registering again, spread by the full-jitter backoff (issue 8.7 / 18.4).
 */
describe('reconnect storm: 200 agents after a gateway restart', () => {
  let context: TestContext;
  let scratch: string;
  let platform: Platform;
  const agents: SimulatedAgent[] = [];
  const apiCalls = { registrations: 0, info: 0 };
  const countingFetch: Fetch = (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (url.endsWith('/api/devices/auth')) apiCalls.registrations++;
    if (url.endsWith('/info')) apiCalls.info++;
    return fetch(input, init);
  };
  /** The agents' warnings (failed connects, refused tokens), summarised when the test prints its figures. */
  const warnings: string[] = [];
  const warningSummary = () => {
    const counts = new Map<string, number>();
    for (const line of warnings) {
      const entry = JSON.parse(line) as { event?: string; err?: string; reason?: string };
      const key = `${entry.event}: ${(entry.err ?? entry.reason ?? '').replace(/[0-9a-f]{16,}/g, '…').slice(0, 120)}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return [...counts].map(([key, count]) => `  ${count} × ${key}`).join('\n');
  };
  const upCount = () => agents.filter((agent) => agent.up).length;

  beforeAll(async () => {
    context = await createTestContext(__filename);
    scratch = await mkdtemp(join(tmpdir(), 'fleetgate-storm-'));
    platform = await startPlatform(context, scratch);
    const keyPath = join(scratch, 'device.key');
    // One key for all: the uid also hashes the MAC, so each simulated device is distinct, and 200 RSA key
    // generations would only slow the test.
    await loadOrCreateDeviceKey(keyPath);
    const config: AgentConfig = {
      serverAddress: platform.apiUrl,
      tenantId: platform.tenantId,
      privateKeyPath: keyPath,
      preferredHostname: undefined,
      preferredIdentity: undefined,
      heartbeatIntervalSeconds: 30,
      log: { level: 'warn' },
      mode: 'host',
      connector: { dockerSocket: '/nonexistent', keysDirectory: scratch },
    };
    const logger = createLogger({
      service: 'agent',
      level: 'warn',
      destination: { write: (line: string) => void warnings.push(line) },
    });
    for (let index = 0; index < AGENTS; index++) {
      const mac = `02:00:00:00:${(index >> 8).toString(16).padStart(2, '0')}:${(index & 0xff).toString(16).padStart(2, '0')}`;
      const identity: DeviceIdentity = {
        mac,
        hostname: `storm-${index}`,
        info: { id: 'debian', pretty_name: 'Debian', version: '0.1.0', arch: 'x86_64', platform: 'native' },
      };
      const agent: SimulatedAgent = { mac, up: false, upAt: 0, downs: 0, runner: undefined as unknown as AgentRunner };
      agent.runner = new AgentRunner(config, '0.1.0', logger, {
        identity,
        fetch: countingFetch,
        // Sessions are not under test here; nothing should open one.
        createSessionServer: () => ({ serve: (stream) => stream.destroy() }),
        onTunnelState: (state) => {
          agent.up = state === 'up';
          if (state === 'up') agent.upAt = Date.now();
          else agent.downs++;
        },
      });
      agents.push(agent);
    }
    // Staggered over 10 s, as devices that booted at different times would be: the first registrations are not
    // what this test measures, and a burst of 200 on a shared test machine only times out and retries.
    for (const agent of agents) {
      void agent.runner.run();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // First registrations are slow on a shared machine (each is a few lookups on FerretDB); generous, but bounded.
    await eventually(async () => upCount() === AGENTS, 240_000, `all ${AGENTS} tunnels up (${upCount()} so far)`);
  }, 330_000);

  afterAll(async () => {
    for (const agent of agents) agent.runner.stop();
    await platform?.stop();
    await context?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('brings every agent back without registering again, spread over seconds', async () => {
    console.log(`start-up: ${apiCalls.registrations} registrations for ${AGENTS} agents; warnings:\n${warningSummary()}`);
    expect(apiCalls.registrations).toBeGreaterThanOrEqual(AGENTS);
    warnings.length = 0;
    apiCalls.registrations = 0;
    apiCalls.info = 0;

    const killedAt = Date.now();
    await platform.restartGateway('SIGKILL');
    const gatewayBackAt = Date.now();
    await eventually(
      async () => agents.every((agent) => agent.up && agent.upAt > killedAt),
      90_000,
      `all ${AGENTS} agents back (${agents.filter((agent) => agent.up && agent.upAt > killedAt).length} so far)`,
    );

    const delays = agents.map((agent) => agent.upAt - killedAt).sort((left, right) => left - right);
    const at = (quantile: number) => delays[Math.min(delays.length - 1, Math.floor(quantile * delays.length))];
    const histogram = Array.from({ length: Math.ceil(delays[delays.length - 1] / 1000) }, (_, second) =>
      `${second}-${second + 1}s: ${delays.filter((delay) => delay >= second * 1000 && delay < (second + 1) * 1000).length}`,
    );
    console.log(
      [
        `reconnect storm, ${AGENTS} agents; gateway restarted in ${gatewayBackAt - killedAt} ms`,
        `back after the kill: first ${delays[0]} ms, p50 ${at(0.5)} ms, p90 ${at(0.9)} ms, p99 ${at(0.99)} ms, last ${delays[delays.length - 1]} ms`,
        `API calls during the storm: ${apiCalls.registrations} registrations, ${apiCalls.info} GET /info`,
        `per second after the kill: ${histogram.join(', ')}`,
        `agents' warnings during the storm:\n${warningSummary()}`,
      ].join('\n'),
    );

    expect(apiCalls.registrations).toBeLessThanOrEqual(MAX_STORM_REGISTRATIONS);
    expect(apiCalls.info).toBeLessThanOrEqual(MAX_STORM_REGISTRATIONS);
    // Full jitter spreads the comeback over the first backoff step (5 s) rather than one instant.
    expect(at(0.9) - delays[0]).toBeGreaterThan(1_500);
  }, 150_000);

  it('refuses a spoofed registration of a live device: no token, nothing changed, the real tunnel stays up (17.5)', async () => {
    const victim = agents[0];
    type DeviceJson = { uid: string; info: unknown; public_key: string; identity: { mac: string }; name: string; remote_addr: string };
    const pages = await Promise.all(
      [1, 2, 3].map(async (page) => (await platform.api<DeviceJson[]>('GET', `/api/devices?per_page=100&page=${page}`)).body),
    );
    const device = pages.flat().find((entry) => entry.name === 'storm-0');
    if (!device) throw new Error('storm-0 is not listed');
    expect(device.identity.mac).toBe(victim.mac);
    const downsBefore = victim.downs;

    // Everything an observer of the device sees: tenant, MAC and public key.
    const spoof = await fetch(`${platform.apiUrl}/api/devices/auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        info: { id: 'evil', pretty_name: 'Spoofed', version: '6.6.6', arch: 'x86_64', platform: 'native' },
        identity: { mac: device.identity.mac },
        hostname: 'storm-0',
        public_key: device.public_key,
        tenant_id: platform.tenantId,
      }),
    });
    const answer = (await spoof.json()) as { token?: string; message?: string };
    expect(spoof.status).toBe(401);
    expect(answer.token).toBeUndefined();
    expect(answer.message).toMatch(/already registered/);

    // An attacker holding a token would now open the device's tunnel and displace the agent's; give it time to.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(victim.up).toBe(true);
    expect(victim.downs).toBe(downsBefore);
    const after = (await platform.api<{ info: unknown; remote_addr: string; name: string }>('GET', `/api/devices/${device.uid}`)).body;
    expect(after).toMatchObject({ info: device.info, remote_addr: device.remote_addr, name: 'storm-0' });
  });
});
