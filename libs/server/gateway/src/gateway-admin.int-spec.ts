import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreatePlatformKeys, SecretBox } from '@fleetgate/auth';
import { AuditEventsRepository, GatewayHostKeysRepository, tenantScope } from '@fleetgate/data-access';
import { GatewayFleetRepository } from '@fleetgate/queue';
import { createTestContext, type TestContext } from '@fleetgate/testing';
import { AuditLogService } from './audit-log.service';
import { GatewayHostKeyService, HOST_KEY_SECRET_PURPOSE } from './gateway-host-keys';
import { loadOrCreateHostKey } from './host-keys';
import { LiveConnectionTracker } from './live-connections';
import { LiveConnectionsService } from './live-connections.service';
import { GatewayStatusPublisher } from './gateway-status-publisher';
import { StoredGatewayAuditSink } from './stored-gateway-audit';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const filterOf = (items: unknown[]) => Buffer.from(JSON.stringify(items)).toString('base64');

describe('gateway administration against the real database and Redis', () => {
  let context: TestContext;
  let scratch: string;
  let box: SecretBox;

  beforeAll(async () => {
    context = await createTestContext(__filename);
    scratch = await mkdtemp(join(tmpdir(), 'fleetgate-gateway-admin-'));
    box = new SecretBox(await loadOrCreatePlatformKeys(join(scratch, 'keys')), HOST_KEY_SECRET_PURPOSE);
  });
  afterAll(async () => {
    await context?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  describe('host keys', () => {
    it('adopts the key file once, seals private keys at rest, rotates and refuses to disable the last key', async () => {
      let announcements = 0;
      const service = new GatewayHostKeyService(new GatewayHostKeysRepository(context.models.gatewayHostKeys), box, async () => (announcements += 1));
      const fileKey = (await loadOrCreateHostKey(join(scratch, 'hostkeys'))).toString('utf8');

      const adopted = await Promise.all([service.adoptIfNone(fileKey), service.adoptIfNone(fileKey)]);
      expect(adopted.filter(Boolean)).toHaveLength(1);
      expect(await service.adoptIfNone(fileKey)).toBe(false);
      expect(await service.enabledPrivateKeys()).toEqual([fileKey]);
      const [first] = await service.list();
      expect(first).toMatchObject({ algorithm: 'ed25519', bits: 256, enabled: true });

      const stored = await context.models.gatewayHostKeys.findOne({ algorithm: 'ed25519' }).lean();
      const privateBody = fileKey.split('\n').slice(1, 3).join('');
      expect(stored?.sealed_private_key).not.toContain(privateBody);
      expect(JSON.stringify(stored)).not.toContain('PRIVATE KEY');

      await expect(service.setEnabled('ed25519', false)).rejects.toThrow(/last enabled host key/);

      const rotated = await service.rotate('ed25519');
      expect(rotated.fingerprint).not.toBe(first.fingerprint);
      const ecdsa = await service.rotate('ecdsa', 384);
      expect(ecdsa).toMatchObject({ algorithm: 'ecdsa', bits: 384, enabled: true });
      expect(await service.setEnabled('ed25519', false)).toMatchObject({ enabled: false });
      const enabled = await service.enabledPrivateKeys();
      expect(enabled).toHaveLength(1);
      expect(enabled[0]).toContain('OPENSSH PRIVATE KEY');
      expect((await service.list()).map((key) => [key.algorithm, key.enabled])).toEqual([
        ['ecdsa', true],
        ['ed25519', false],
      ]);
      expect(announcements).toBe(3);
      await expect(service.setEnabled('rsa', true)).rejects.toThrow(/not found/i);
    }, 60_000);
  });

  describe('audit log', () => {
    const tenantA = tenantScope('aaaaaaaa-0000-4000-8000-00000000000a');
    const tenantB = tenantScope('bbbbbbbb-0000-4000-8000-00000000000b');

    it('stores a storm in batches, lists per namespace and instance-wide with the list filter, and expires old events', async () => {
      const repository = new AuditEventsRepository(context.models.auditEvents);
      const inserts: number[] = [];
      const counting = {
        insertManyUnscoped: async (events: Parameters<AuditEventsRepository['insertManyUnscoped']>[0]) => {
          inserts.push(events.length);
          await repository.insertManyUnscoped(events);
        },
      };
      const sink = new StoredGatewayAuditSink(counting, { flushMs: 50, batchSize: 200, maxPending: 10_000 });
      const now = Date.now();
      for (let index = 0; index < 300; index += 1) {
        sink.record({
          tenantId: index % 2 === 0 ? tenantA.tenantId : tenantB.tenantId,
          kind: index % 3 === 0 ? 'login' : 'auth-failed',
          reason: `attempt ${index}`,
          username: 'root',
          address: '192.0.2.9',
          device: 'device-uid',
          at: new Date(now - index * 1000),
        });
      }
      sink.record({ kind: 'refused', reason: 'There is no namespace "nowhere".', username: 'root@nowhere.pi', address: '192.0.2.9', at: new Date(now) });
      sink.record({ tenantId: tenantA.tenantId, kind: 'login', reason: 'old', at: new Date(now - 40 * 24 * 3600 * 1000) });
      await sink.stop();
      expect(inserts.length).toBeLessThanOrEqual(3);

      const service = new AuditLogService(repository);
      const pageA = await service.listForNamespace(tenantA, { page: 1, perPage: 10 });
      expect(pageA.total).toBe(151);
      expect(pageA.items.every((item) => item.tenant_id === tenantA.tenantId)).toBe(true);
      expect(pageA.items[0].reason).toBe('attempt 0');

      const logins = await service.listForNamespace(tenantB, {
        page: 1,
        perPage: 100,
        filter: filterOf([{ type: 'property', params: { name: 'kind', operator: 'eq', value: 'login' } }]),
      });
      expect(logins.total).toBe(50);
      await expect(
        service.listForNamespace(tenantB, { page: 1, perPage: 10, filter: filterOf([{ type: 'property', params: { name: 'tenant_id', operator: 'eq', value: tenantA.tenantId } }]) }),
      ).rejects.toThrow(/unknown property/);

      const everyone = await service.listForInstance({ page: 1, perPage: 5 });
      expect(everyone.total).toBe(302);
      const unresolved = await service.listForInstance({
        page: 1,
        perPage: 5,
        filter: filterOf([{ type: 'property', params: { name: 'kind', operator: 'eq', value: 'refused' } }]),
      });
      expect(unresolved.items).toEqual([expect.objectContaining({ tenant_id: null, username: 'root@nowhere.pi' })]);

      expect(await service.expire(30, now)).toBe(1);
      expect((await service.listForInstance({ page: 1, perPage: 1 })).total).toBe(301);
    }, 60_000);
  });

  describe('live connections', () => {
    it('lists every process’s connections and status, and a disconnect reaches the process holding the connection', async () => {
      const fleet = new GatewayFleetRepository(context.redis, context.redisPrefix);
      const trackers = [new LiveConnectionTracker(), new LiveConnectionTracker()];
      const ended: string[] = [];
      const recorded: string[] = [];
      const publishers = trackers.map(
        (tracker, index) =>
          new GatewayStatusPublisher(fleet, tracker, () => ({ listening: true, address: `127.0.0.1:${2220 + index}`, version: 'test' }), { refreshSeconds: 1 }, {
            reloadHostKeys: async () => undefined,
            audit: { record: (event) => recorded.push(`${event.kind}:${event.address}`) },
            onError: (error) => {
              throw error;
            },
          }),
      );
      trackers[0].opened('a'.repeat(64), '192.0.2.1', undefined, (reason) => ended.push(`first:${reason}`));
      trackers[1].opened('b'.repeat(64), '192.0.2.2', undefined, (reason) => ended.push(`second:${reason}`));
      trackers[1].loggedIn('b'.repeat(64), { user: 'root', device: 'device-uid', tenantId: 'tenant' });
      await Promise.all(publishers.map((publisher) => publisher.start()));
      try {
        const service = new LiveConnectionsService(fleet);
        const listed = await service.list({ page: 1, perPage: 10 });
        expect(listed.total).toBe(2);
        const second = listed.items.find((item) => item.address === '192.0.2.2');
        expect(second).toMatchObject({ process: trackers[1].processId, user: 'root', device: 'device-uid', tenant_id: 'tenant' });
        expect((await service.status()).map((status) => status.connection_count)).toEqual([1, 1]);

        if (!second) throw new Error('the second process’s connection is not listed');
        await service.disconnect(second.id, 'Bye.');
        for (let waited = 0; ended.length === 0 && waited < 5_000; waited += 50) await sleep(50);
        expect(ended).toEqual(['second:Bye.']);
        expect(recorded).toEqual(['disconnected:192.0.2.2']);
        await expect(service.disconnect('nobody.0000')).rejects.toThrow(/not found/i);
      } finally {
        await Promise.all(publishers.map((publisher) => publisher.stop()));
      }
      expect(await fleet.reports()).toEqual([]);
    }, 30_000);
  });
});
