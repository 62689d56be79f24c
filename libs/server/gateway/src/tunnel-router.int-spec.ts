import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import WebSocket, { createWebSocketStream } from 'ws';
import { loadOrCreatePlatformKeys, type PlatformKeys, signDeviceToken } from '@fleetgate/auth';
import { DevicePresenceRepository, DevicesRepository, NamespacesRepository } from '@fleetgate/data-access';
import { createLogger } from '@fleetgate/logging';
import { DeviceAdmissionRepository, TunnelPeerChannel } from '@fleetgate/queue';
import { createTestContext, persist, presenceStore, type TestContext } from '@fleetgate/testing';
import { type AgentMessage, gatewayMessageSchema, parseMessage, pickupPath, TUNNEL_CONTROL_PATH } from '@fleetgate/tunnel';
import { PresenceBatcher } from './presence-batcher';
import { TunnelAdmission } from './tunnel-admission';
import { TunnelEndpoint } from './tunnel-endpoint';
import { TunnelRegistry, TunnelUnavailableError } from './tunnel-registry';
import { TunnelRouter } from './tunnel-router';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_resolve, reject) => setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms).unref()),
  ]);
}

async function eventually(condition: () => Promise<boolean> | boolean, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(20);
  }
}

/**
 * Two gateway processes in one test process, each with its own registry, presence holder, HTTP listener and peer
 * channel on the real Redis, as apps/ssh wires them; a device's agent (a raw WebSocket client following the tunnel
 * protocol) holds its control tunnel on gateway A, and people arrive at gateway B (docs/adr/0011-gateway-processes.md).
 */
describe('TunnelRouter: streams to a device whose tunnel another gateway process holds (real sockets and Redis)', () => {
  let context: TestContext;
  let keyDirectory: string;
  let keys: PlatformKeys;
  const running: Array<() => Promise<void> | void> = [];

  interface Gateway {
    url: string;
    registry: TunnelRegistry;
    router: TunnelRouter;
    endpoint: TunnelEndpoint;
    presence: PresenceBatcher;
    /** Pickups that arrived at this gateway's listener. */
    pickups: string[];
  }

  async function startGateway(): Promise<Gateway> {
    const devices = new DevicesRepository(context.models.devices);
    const namespaces = new NamespacesRepository(context.models.namespaces);
    const admissionStates = new DeviceAdmissionRepository(context.redis, context.redisPrefix);
    const registry = new TunnelRegistry({ maxPendingPickupsPerDevice: 4, pickupTimeoutMs: 5_000 });
    const presence = new PresenceBatcher(
      presenceStore(context),
      new DevicePresenceRepository(context.models.devices),
      { expirySeconds: 60, refreshSeconds: 30, lastSeenSeconds: 60, flushMs: 20 },
      () => undefined,
    );
    const logger = createLogger({ service: 'ssh', level: 'silent' });
    const endpoint = new TunnelEndpoint(
      registry,
      presence,
      new TunnelAdmission(admissionStates, devices, namespaces),
      admissionStates,
      keys,
      { pingSeconds: 10, missedPings: 3 },
      logger,
    );
    await endpoint.start();
    const pickups: string[] = [];
    const server: Server = createServer((_request, response) => response.writeHead(404).end());
    server.on('upgrade', (request, socket, head) => {
      if (request.url?.startsWith('/agent/pickup/')) pickups.push(request.url.slice('/agent/pickup/'.length));
      endpoint.handleUpgrade(request, socket, head);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    registry.usePickupUrl(url);
    const router = new TunnelRouter(registry, presenceStore(context), new TunnelPeerChannel(context.redis, context.redisPrefix), presence.holder, logger);
    await router.start();
    running.push(async () => {
      router.stop();
      endpoint.stop();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await presence.stop();
    });
    return { url, registry, router, endpoint, presence, pickups };
  }

  /**
   * An agent on `gateway`: answers each `open` by dialling the URL it names (its tunnel URL without one) and echoes
   * every byte of the stream, or reports `pickup-failed` while `failPickups` is set.
   */
  async function agentOn(gateway: Gateway) {
    const namespace = await persist.namespace(context.connection);
    const device = await persist.device(context.connection, { tenant_id: namespace.tenant_id, status: 'accepted' });
    const token = signDeviceToken(keys, { uid: device.uid, tenantId: namespace.tenant_id });
    const control = new WebSocket(`${gateway.url}${TUNNEL_CONTROL_PATH}`, { headers: { authorization: `Bearer ${token}` } });
    running.push(() => control.terminate());
    const state = { failPickups: false, opens: [] as Array<{ id: string; url?: string }> };
    control.on('message', (data) => {
      const message = parseMessage(gatewayMessageSchema, data);
      if (message?.type !== 'open') return;
      state.opens.push({ id: message.id, url: message.url });
      if (state.failPickups) {
        const failed: AgentMessage = { type: 'pickup-failed', id: message.id, reason: 'no route to the gateway' };
        control.send(JSON.stringify(failed));
        return;
      }
      const pickup = new WebSocket(`${message.url ?? gateway.url}${pickupPath(message.id)}`, { headers: { authorization: `Bearer ${token}` } });
      pickup.on('error', () => undefined);
      running.push(() => pickup.terminate());
      pickup.once('open', () => {
        const stream = createWebSocketStream(pickup);
        stream.on('error', () => undefined);
        stream.pipe(stream);
      });
    });
    await within(5_000, new Promise((resolve) => control.once('open', resolve)), 'control tunnel');
    await eventually(
      async () => (await presenceStore(context).holderOf(namespace.tenant_id, device.uid)) === gateway.presence.holder,
      'presence registration',
    );
    return { uid: device.uid, tenantId: namespace.tenant_id, control, state };
  }

  async function echo(stream: Duplex, text: string): Promise<string> {
    stream.write(text);
    let received = '';
    await within(
      5_000,
      new Promise<void>((resolve) =>
        stream.on('data', (chunk: Buffer) => {
          received += chunk.toString();
          if (received.length >= text.length) resolve();
        }),
      ),
      'echo',
    );
    return received;
  }

  beforeAll(async () => {
    context = await createTestContext(__filename);
    keyDirectory = await mkdtemp(join(tmpdir(), 'fleetgate-router-keys-'));
    keys = await loadOrCreatePlatformKeys(keyDirectory);
  });
  afterEach(async () => {
    for (const stop of running.splice(0).reverse()) await stop();
  });
  afterAll(async () => {
    await context.close();
    await rm(keyDirectory, { recursive: true, force: true });
  });

  it('asks the holding gateway to send the open, and the agent picks up at the asking gateway only', async () => {
    const [a, b] = [await startGateway(), await startGateway()];
    const agent = await agentOn(a);
    expect(b.registry.isConnected(agent.uid)).toBe(false);
    expect(await b.router.isConnected(agent.uid, agent.tenantId)).toBe(true);

    const stream = await within(5_000, b.router.openStream(agent.uid, agent.tenantId), 'stream through B');
    expect(agent.state.opens).toEqual([{ id: expect.stringMatching(/^[0-9a-f]{32}$/), url: b.url }]);
    expect(b.pickups).toEqual([agent.state.opens[0].id]);
    expect(a.pickups).toEqual([]);
    expect(await echo(stream, 'bytes between the agent and B')).toBe('bytes between the agent and B');
    stream.destroy();
  });

  it('sends its own URL with a local open, so that a pickup never lands on another process', async () => {
    const a = await startGateway();
    const agent = await agentOn(a);
    const stream = await within(5_000, a.router.openStream(agent.uid, agent.tenantId), 'local stream');
    expect(agent.state.opens).toEqual([{ id: expect.any(String), url: a.url }]);
    stream.destroy();
  });

  it('fails at once when the holder is gone but its registration has not lapsed yet', async () => {
    const [a, b] = [await startGateway(), await startGateway()];
    const agent = await agentOn(a);
    a.router.stop();
    const channel = new TunnelPeerChannel(context.redis, context.redisPrefix).channelOf(a.presence.holder);
    await eventually(async () => {
      const [, listeners] = (await context.redis.pubsub('NUMSUB', channel)) as [string, number];
      return Number(listeners) === 0;
    }, 'the holder stopped listening');
    const started = Date.now();
    await expect(b.router.openStream(agent.uid, agent.tenantId)).rejects.toThrow(new TunnelUnavailableError('device is offline'));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(b.registry.pendingPickups).toBe(0);
  });

  it('passes the agent’s pickup failure back to the asking gateway instead of waiting for the timeout', async () => {
    const [a, b] = [await startGateway(), await startGateway()];
    const agent = await agentOn(a);
    agent.state.failPickups = true;
    const started = Date.now();
    await expect(b.router.openStream(agent.uid, agent.tenantId)).rejects.toThrow(/device could not open a stream: no route to the gateway/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('answers offline for a device nobody holds, and the holder refuses a device of another tenant', async () => {
    const [a, b] = [await startGateway(), await startGateway()];
    const agent = await agentOn(a);
    expect(await b.router.isConnected('0'.repeat(64), agent.tenantId)).toBe(false);
    await expect(b.router.openStream('0'.repeat(64), agent.tenantId)).rejects.toThrow('device is offline');
    const peers = new TunnelPeerChannel(context.redis, context.redisPrefix);
    const answers: string[] = [];
    const stop = await peers.listen('test-asker', (message) => answers.push(message.type === 'failed' ? message.reason : message.type));
    running.push(stop);
    await peers.send({ type: 'open', to: a.presence.holder, from: 'test-asker', id: 'f'.repeat(32), uid: agent.uid, tenantId: 'another-tenant', url: b.url });
    await eventually(() => answers.length > 0, 'refusal');
    expect(answers).toEqual(['device is offline']);
    expect(agent.state.opens).toEqual([]);
  });

  it('ends the streams it relays for a peer’s device when the device is revoked', async () => {
    const [a, b] = [await startGateway(), await startGateway()];
    const agent = await agentOn(a);
    const stream = await within(5_000, b.router.openStream(agent.uid, agent.tenantId), 'stream through B');
    // ws's stream ends its readable side when the socket closes (it emits no 'close' of its own then).
    const closed = new Promise((resolve) => stream.once('end', resolve));
    stream.on('error', () => undefined);
    // Read, as the device link does, so that the end of the socket ends the stream.
    stream.resume();
    b.endpoint.revoke({ tenantId: agent.tenantId, uid: agent.uid, reason: 'the device was rejected' });
    await within(3_000, closed, 'relayed stream ended');
  });
});
