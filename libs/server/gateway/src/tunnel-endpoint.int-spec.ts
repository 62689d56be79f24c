import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { loadOrCreatePlatformKeys, type PlatformKeys, signDeviceToken } from '@fleetgate/auth';
import {
  type DeviceDocument,
  DevicePresenceRepository,
  DevicesRepository,
  type DeviceStatus,
  type NamespaceDocument,
  NamespacesRepository,
} from '@fleetgate/data-access';
import { createLogger } from '@fleetgate/logging';
import { DeviceAdmissionRepository } from '@fleetgate/queue';
import { createTestContext, persist, presenceStore, type TestContext } from '@fleetgate/testing';
import { DEFAULT_MISSED_PINGS, gatewayMessageSchema, parseMessage, TUNNEL_CONTROL_PATH } from '@fleetgate/tunnel';
import type { Model } from 'mongoose';
import { PresenceBatcher } from './presence-batcher';
import { TunnelAdmission } from './tunnel-admission';
import { TUNNEL_REVOKED_CLOSE_CODE, TunnelEndpoint, type TunnelSettings } from './tunnel-endpoint';
import { TunnelRegistry, TunnelUnavailableError } from './tunnel-registry';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(10);
}

/** Rejects when `promise` takes longer than `ms`, so a regression fails the test instead of hanging it. */
function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_resolve, reject) => setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms).unref()),
  ]);
}

describe('TunnelEndpoint and TunnelRegistry (real sockets, database and Redis)', () => {
  let context: TestContext;
  let keyDirectory: string;
  let keys: PlatformKeys;
  let devicesModel: Model<DeviceDocument>;
  let namespacesModel: Model<NamespaceDocument>;
  const running: Array<() => Promise<void> | void> = [];

  interface Gateway {
    url: string;
    endpoint: TunnelEndpoint;
    registry: TunnelRegistry;
    admissionStates: DeviceAdmissionRepository;
    databaseReads: () => number;
  }

  /** The gateway's tunnel side as apps/ssh wires it, on a port of its own. */
  async function startGateway(settings: TunnelSettings, maxPendingPickupsPerDevice = 16): Promise<Gateway> {
    const devices = new DevicesRepository(devicesModel);
    const namespaces = new NamespacesRepository(namespacesModel);
    // Spies count the device and namespace reads and let each one through to the real database.
    const deviceReads = jest.spyOn(devices, 'find');
    const namespaceReads = jest.spyOn(namespaces, 'findOne');
    const admissionStates = new DeviceAdmissionRepository(context.redis, context.redisPrefix);
    const registry = new TunnelRegistry({ maxPendingPickupsPerDevice });
    const presence = new PresenceBatcher(
      presenceStore(context),
      new DevicePresenceRepository(devicesModel),
      { expirySeconds: 60, refreshSeconds: 30, lastSeenSeconds: 60, flushMs: 50 },
      () => undefined,
    );
    const endpoint = new TunnelEndpoint(
      registry,
      presence,
      new TunnelAdmission(admissionStates, devices, namespaces),
      admissionStates,
      keys,
      settings,
      createLogger({ service: 'ssh', level: 'silent' }),
    );
    await endpoint.start();
    const server: Server = createServer((_request, response) => response.writeHead(404).end());
    server.on('upgrade', (request, socket, head) => endpoint.handleUpgrade(request, socket, head));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    running.push(async () => {
      endpoint.stop();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await presence.stop();
    });
    return {
      url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
      endpoint,
      registry,
      admissionStates,
      databaseReads: () => deviceReads.mock.calls.length + namespaceReads.mock.calls.length,
    };
  }

  async function deviceIn(status: DeviceStatus = 'accepted'): Promise<{ uid: string; tenantId: string; token: string }> {
    const namespace = await persist.namespace(context.connection);
    const device = await persist.device(context.connection, { tenant_id: namespace.tenant_id, status });
    return { uid: device.uid, tenantId: namespace.tenant_id, token: signDeviceToken(keys, { uid: device.uid, tenantId: namespace.tenant_id }) };
  }

  /** An agent's control connection; resolves once open, or with the HTTP refusal. */
  function connect(gateway: Gateway, token: string, options: { autoPong?: boolean } = {}) {
    const socket = new WebSocket(`${gateway.url}${TUNNEL_CONTROL_PATH}`, {
      headers: { authorization: `Bearer ${token}` },
      autoPong: options.autoPong ?? true,
    });
    running.push(() => socket.terminate());
    const opens: string[] = [];
    socket.on('message', (data) => {
      const message = parseMessage(gatewayMessageSchema, data);
      if (message?.type === 'open') opens.push(message.id);
    });
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    const outcome = within(
      5_000,
      new Promise<{ open: true } | { open: false; status: number; body: string }>((resolve, reject) => {
        socket.once('open', () => resolve({ open: true }));
        socket.once('unexpected-response', (_request, response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString()));
          response.on('end', () => resolve({ open: false, status: response.statusCode ?? 0, body }));
        });
        socket.once('error', reject);
      }),
      'tunnel handshake',
    );
    return { socket, opens, closed, outcome };
  }

  beforeAll(async () => {
    context = await createTestContext(__filename);
    keyDirectory = await mkdtemp(join(tmpdir(), 'fleetgate-tunnel-keys-'));
    keys = await loadOrCreatePlatformKeys(keyDirectory);
    devicesModel = context.models.devices;
    namespacesModel = context.models.namespaces;
  });
  afterEach(async () => {
    for (const stop of running.splice(0).reverse()) await stop();
  });
  afterAll(async () => {
    await context.close();
    await rm(keyDirectory, { recursive: true, force: true });
  });

  describe('liveness (short intervals, the default number of missed pings)', () => {
    const settings: TunnelSettings = { pingSeconds: 0.25, missedPings: DEFAULT_MISSED_PINGS };

    it('keeps a tunnel whose pongs stop for longer than one interval and then come back', async () => {
      const gateway = await startGateway(settings);
      const device = await deviceIn();
      const agent = connect(gateway, device.token, { autoPong: false });
      expect(await agent.outcome).toEqual({ open: true });
      // A lossy link: pongs held back for 1.8 ping intervals, then everything arrives at once.
      let heldBack: Buffer[] = [];
      let holding = false;
      agent.socket.on('ping', (data: Buffer) => (holding ? heldBack.push(data) : agent.socket.pong(data)));
      await sleep(600);
      holding = true;
      await sleep(450);
      holding = false;
      for (const data of heldBack) agent.socket.pong(data);
      heldBack = [];
      await sleep(1_200);
      expect(agent.socket.readyState).toBe(WebSocket.OPEN);
      expect(gateway.registry.isConnected(device.uid)).toBe(true);
    });

    it('drops a silent tunnel once the missed pings add up, and not before', async () => {
      const gateway = await startGateway(settings);
      const device = await deviceIn();
      // Measured from before the handshake, so it is never shorter than the silence the gateway saw.
      const connectingAt = Date.now();
      const agent = connect(gateway, device.token, { autoPong: false });
      expect(await agent.outcome).toEqual({ open: true });
      await within(3_000, agent.closed, 'silent tunnel dropped');
      const silentFor = Date.now() - connectingAt;
      expect(silentFor).toBeGreaterThanOrEqual(settings.pingSeconds * settings.missedPings * 1000);
      // Generous for a loaded machine; the point is seconds, not the pickup timeout or minutes.
      expect(silentFor).toBeLessThan(2_500);
      await within(1_000, until(() => !gateway.registry.isConnected(device.uid)), 'gateway forgot the tunnel');
    });

    it('tells the agent its ping interval and the silence after which the tunnel is dead', async () => {
      const gateway = await startGateway({ pingSeconds: 10, missedPings: 3 });
      const device = await deviceIn();
      const socket = new WebSocket(`${gateway.url}${TUNNEL_CONTROL_PATH}`, { headers: { authorization: `Bearer ${device.token}` } });
      running.push(() => socket.terminate());
      const hello = await within(
        5_000,
        new Promise((resolve) => socket.once('message', (data) => resolve(parseMessage(gatewayMessageSchema, data)))),
        'hello',
      );
      expect(hello).toMatchObject({ type: 'hello', pingSeconds: 10, deadAfterSeconds: 30 });
    });
  });

  describe('pending pickups', () => {
    const settings: TunnelSettings = { pingSeconds: 10, missedPings: 3 };

    it('fails the streams a device has not picked up at once when its tunnel closes', async () => {
      const gateway = await startGateway(settings);
      const device = await deviceIn();
      const agent = connect(gateway, device.token);
      expect(await agent.outcome).toEqual({ open: true });
      const waiting = gateway.registry.openStream(device.uid);
      const failure = waiting.then(
        () => new Error('the stream opened'),
        (error: unknown) => error,
      );
      await within(2_000, until(() => agent.opens.length === 1), 'open message');
      const closedAt = Date.now();
      agent.socket.terminate();
      const error = await within(2_000, failure, 'pending pickup failed');
      expect(error).toBeInstanceOf(TunnelUnavailableError);
      expect((error as Error).message).toMatch(/disconnected/);
      expect(Date.now() - closedAt).toBeLessThan(1_000);
      expect(gateway.registry.pendingPickups).toBe(0);
    });

    it('caps the streams a device may be asked for and not yet have picked up', async () => {
      const gateway = await startGateway(settings, 2);
      const device = await deviceIn();
      const agent = connect(gateway, device.token);
      expect(await agent.outcome).toEqual({ open: true });
      const first = gateway.registry.openStream(device.uid).catch((error: unknown) => error);
      const second = gateway.registry.openStream(device.uid).catch((error: unknown) => error);
      await expect(gateway.registry.openStream(device.uid)).rejects.toThrow(/too many sessions/);
      await within(2_000, until(() => agent.opens.length === 2), 'open messages');
      await sleep(100);
      // The refused request never reached the device.
      expect(agent.opens).toHaveLength(2);
      agent.socket.send(JSON.stringify({ type: 'pickup-failed', id: agent.opens[0], reason: 'test' }));
      await within(2_000, first, 'first pickup failed');
      const third = gateway.registry.openStream(device.uid).catch((error: unknown) => error);
      await within(2_000, until(() => agent.opens.length === 3), 'third open message');
      agent.socket.terminate();
      await within(2_000, Promise.all([second, third]), 'remaining pickups failed');
    });
  });

  describe('admission without the database', () => {
    const settings: TunnelSettings = { pingSeconds: 10, missedPings: 3 };

    it('reads the database once for a device Redis knows nothing of, then admits it from Redis', async () => {
      const gateway = await startGateway(settings);
      const device = await deviceIn('accepted');
      const first = connect(gateway, device.token);
      expect(await first.outcome).toEqual({ open: true });
      expect(gateway.databaseReads()).toBe(2);
      first.socket.terminate();
      await first.closed;

      const second = connect(gateway, device.token);
      expect(await second.outcome).toEqual({ open: true });
      expect(gateway.databaseReads()).toBe(2);
    });

    it('refuses a rejected or deleted device from Redis alone, without a database read', async () => {
      const gateway = await startGateway(settings);
      const rejected = await deviceIn('accepted');
      const deleted = await deviceIn('accepted');
      // What the API writes when an administrator rejects one device and deletes the other.
      await gateway.admissionStates.record(rejected.tenantId, rejected.uid, 'rejected');
      await gateway.admissionStates.record(deleted.tenantId, deleted.uid, 'deleted');

      expect(await connect(gateway, rejected.token).outcome).toEqual({
        open: false,
        status: 403,
        body: 'the device was rejected\n',
      });
      expect(await connect(gateway, deleted.token).outcome).toEqual({
        open: false,
        status: 403,
        body: 'the device was deleted\n',
      });
      expect(gateway.databaseReads()).toBe(0);
    });

    it('refuses a removed device: once from the database, then from what Redis remembered', async () => {
      const gateway = await startGateway(settings);
      const removed = await deviceIn('removed');
      expect(await connect(gateway, removed.token).outcome).toMatchObject({ open: false, status: 403 });
      const readsAfterFirst = gateway.databaseReads();
      expect(await connect(gateway, removed.token).outcome).toEqual({
        open: false,
        status: 403,
        body: 'the device was removed\n',
      });
      expect(gateway.databaseReads()).toBe(readsAfterFirst);
    });

    it('admits a pending device (it may hold a tunnel; sessions wait for acceptance)', async () => {
      const gateway = await startGateway(settings);
      const pending = await deviceIn('pending');
      expect(await connect(gateway, pending.token).outcome).toEqual({ open: true });
    });
  });

  describe('deleted namespaces', () => {
    const settings: TunnelSettings = { pingSeconds: 10, missedPings: 3 };

    it('closes the tunnels of a namespace at once when it is deleted, and refuses them afterwards', async () => {
      const gateway = await startGateway(settings);
      const device = await deviceIn('accepted');
      const bystander = await deviceIn('accepted');
      const agent = connect(gateway, device.token);
      const other = connect(gateway, bystander.token);
      expect(await agent.outcome).toEqual({ open: true });
      expect(await other.outcome).toEqual({ open: true });

      // What NamespacesService.delete does after removing the namespace document.
      await namespacesModel.deleteOne({ tenant_id: device.tenantId });
      await gateway.admissionStates.markTenantDeleted(device.tenantId);
      await gateway.admissionStates.revoke({ tenantId: device.tenantId, reason: 'namespace deleted' });

      expect(await within(2_000, agent.closed, 'revoked tunnel closed')).toEqual({
        code: TUNNEL_REVOKED_CLOSE_CODE,
        reason: 'namespace deleted',
      });
      await within(2_000, until(() => !gateway.registry.isConnected(device.uid)), 'gateway forgot the tunnel');
      expect(gateway.registry.isConnected(bystander.uid)).toBe(true);
      const readsBefore = gateway.databaseReads();
      expect(await connect(gateway, device.token).outcome).toEqual({
        open: false,
        status: 403,
        body: 'the namespace was deleted\n',
      });
      expect(gateway.databaseReads()).toBe(readsBefore);
    });

    it('refuses a device whose namespace is gone even when Redis never heard of the deletion', async () => {
      const gateway = await startGateway(settings);
      const tenantId = randomUUID();
      const orphan = await persist.device(context.connection, { tenant_id: tenantId, status: 'accepted' });
      const token = signDeviceToken(keys, { uid: orphan.uid, tenantId });
      expect(await connect(gateway, token).outcome).toEqual({
        open: false,
        status: 403,
        body: 'the namespace was deleted\n',
      });
      expect((await gateway.admissionStates.lookup(tenantId, orphan.uid)).tenantDeleted).toBe(true);
    });
  });
});
