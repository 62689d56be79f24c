import type { AuditEventDocument } from '@fleetgate/data-access';
import { StoredGatewayAuditSink } from './stored-gateway-audit';

const event = (index: number) => ({ kind: 'auth-failed', reason: `try ${index}`, address: '192.0.2.1', at: new Date() });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('StoredGatewayAuditSink', () => {
  it('writes a storm of events in a few batches, never one insert per event', async () => {
    const writes: number[] = [];
    const sink = new StoredGatewayAuditSink(
      { insertManyUnscoped: async (events) => void writes.push(events.length) },
      { flushMs: 50, batchSize: 200, maxPending: 10_000 },
    );
    for (let index = 0; index < 1_000; index += 1) sink.record(event(index));
    await sink.stop();
    expect(writes.reduce((sum, count) => sum + count, 0)).toBe(1_000);
    expect(writes.length).toBeLessThanOrEqual(6);
  });

  it('writes a lone event after the gathering window', async () => {
    const written: AuditEventDocument[] = [];
    const sink = new StoredGatewayAuditSink(
      { insertManyUnscoped: async (events) => void written.push(...events) },
      { flushMs: 30, batchSize: 200, maxPending: 100 },
    );
    sink.record({ ...event(1), tenantId: 'tenant-a', username: 'root', device: 'uid-1' });
    expect(written).toHaveLength(0);
    await sleep(150);
    expect(written).toEqual([
      expect.objectContaining({ tenant_id: 'tenant-a', kind: 'auth-failed', username: 'root', device: 'uid-1', address: '192.0.2.1' }),
    ]);
  });

  it('keeps events whose write failed for the next round, within its bound', async () => {
    let failing = true;
    const written: AuditEventDocument[] = [];
    const errors: unknown[] = [];
    const sink = new StoredGatewayAuditSink(
      {
        insertManyUnscoped: async (events) => {
          if (failing) throw new Error('database down');
          written.push(...events);
        },
      },
      { flushMs: 10, batchSize: 1_000, maxPending: 5 },
      (error) => errors.push(error),
    );
    for (let index = 0; index < 8; index += 1) sink.record(event(index));
    await sink.flush();
    expect(errors.length).toBeGreaterThan(0);
    failing = false;
    await sink.stop();
    expect(written.map((stored) => stored.reason)).toEqual(['try 3', 'try 4', 'try 5', 'try 6', 'try 7']);
  });
});
