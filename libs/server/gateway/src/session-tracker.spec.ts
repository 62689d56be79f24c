import { randomUUID } from 'node:crypto';
import { type HeldSession, type SessionsRepository, tenantScope } from '@fleetgate/data-access';
import { SessionTracker, type TerminableSession } from './session-tracker';

/** A repository that records calls, and whose create answers only when the test says so. */
function recordingRepository() {
  const calls: string[] = [];
  let finishCreate!: () => void;
  const created = new Promise<void>((resolve) => (finishCreate = resolve));
  const touched: HeldSession[][] = [];
  const repository = {
    create: async () => {
      await created;
      calls.push('create');
    },
    markAuthenticated: async () => {
      calls.push('authenticated');
      return true;
    },
    setType: async (_scope: unknown, _uid: string, type: string, term: string) => {
      calls.push(`type ${type} ${term}`);
      return true;
    },
    close: async () => void calls.push('close'),
    touch: async (sessions: HeldSession[]) => {
      touched.push(sessions);
      return 1;
    },
  };
  return { repository: repository as unknown as SessionsRepository, calls, touched, finishCreate };
}

const scope = tenantScope(randomUUID());
const start = (uid: string) => ({ uid, scope, deviceUid: 'd'.repeat(64), username: 'root', clientAddress: '::ffff:192.0.2.1' });
const session = (): TerminableSession & { reasons: string[] } => {
  const reasons: string[] = [];
  return { reasons, terminate: (reason) => void reasons.push(reason) };
};

describe('SessionTracker', () => {
  it('writes a session’s changes in order, even when the database is slow to create it', async () => {
    const { repository, calls, finishCreate } = recordingRepository();
    const tracker = new SessionTracker(repository, () => null, { keepaliveSeconds: 30 }, (error) => {
      throw error;
    });
    tracker.opened(start('a'), session());
    tracker.authenticated('a');
    tracker.typed('a', 'shell', 'xterm');
    const closed = tracker.closed('a');
    finishCreate();
    await closed;
    expect(calls).toEqual(['create', 'authenticated', 'type shell xterm', 'close']);
  });

  it('tries a failed record write again, in order, so that a database restart loses no record', async () => {
    const { repository, calls, finishCreate } = recordingRepository();
    finishCreate();
    const down = new Set(['create', 'authenticated', 'close']);
    const failing = repository as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    for (const [method, step] of [['create', 'create'], ['markAuthenticated', 'authenticated'], ['close', 'close']] as const) {
      const write = failing[method] as (...args: unknown[]) => Promise<unknown>;
      failing[method] = async (...args: unknown[]) => {
        if (down.delete(step)) throw Object.assign(new Error('connection closed'), { name: 'MongoNetworkError' });
        return write(...args);
      };
    }
    const errors: string[] = [];
    const tracker = new SessionTracker(repository, () => null, { keepaliveSeconds: 30, retryDelaysMs: [5, 5] }, (_error, what) => void errors.push(what));
    tracker.opened(start('a'), session());
    tracker.authenticated('a');
    await tracker.closed('a');
    expect(calls).toEqual(['create', 'authenticated', 'close']);
    expect(errors).toEqual([]);
  });

  it('tries an update again when it found no record yet (the insert not yet visible to it)', async () => {
    const { repository, calls, finishCreate } = recordingRepository();
    finishCreate();
    let unseen = 1;
    (repository as unknown as { markAuthenticated: () => Promise<boolean> }).markAuthenticated = async () => {
      if (unseen-- > 0) return false;
      calls.push('authenticated');
      return true;
    };
    const tracker = new SessionTracker(repository, () => null, { keepaliveSeconds: 30, retryDelaysMs: [5, 5] }, () => undefined);
    tracker.opened(start('a'), session());
    tracker.authenticated('a');
    await tracker.closed('a');
    expect(calls).toEqual(['create', 'authenticated', 'close']);
  });

  it('never runs a keepalive beside a record write of the same session (FerretDB rewrites whole documents)', async () => {
    const { repository, calls, finishCreate } = recordingRepository();
    finishCreate();
    let finishTouch!: () => void;
    (repository as unknown as { touch: () => Promise<number> }).touch = async () => {
      calls.push('touch started');
      await new Promise<void>((resolve) => (finishTouch = resolve));
      calls.push('touch done');
      return 1;
    };
    const tracker = new SessionTracker(repository, () => null, { keepaliveSeconds: 30 }, () => undefined);
    tracker.opened(start('a'), session());
    await new Promise((resolve) => setTimeout(resolve, 5));
    const round = tracker.keepalive();
    tracker.authenticated('a');
    await new Promise((resolve) => setTimeout(resolve, 5));
    // A round does not include a session whose write is pending.
    await tracker.keepalive();
    finishTouch();
    await round;
    await tracker.closed('a');
    expect(calls).toEqual(['create', 'touch started', 'touch done', 'authenticated', 'close']);
  });

  it('reports a write that still fails after its retries, and goes on with the next', async () => {
    const { repository, calls, finishCreate } = recordingRepository();
    finishCreate();
    (repository as unknown as { markAuthenticated: () => Promise<void> }).markAuthenticated = async () => {
      throw new Error('still down');
    };
    const errors: string[] = [];
    const tracker = new SessionTracker(repository, () => null, { keepaliveSeconds: 30, retryDelaysMs: [1, 1] }, (_error, what) => void errors.push(what));
    tracker.opened(start('a'), session());
    tracker.authenticated('a');
    await tracker.closed('a');
    expect(calls).toEqual(['create', 'close']);
    expect(errors).toEqual(['session authenticated']);
  });

  it('ends a held session only for a close request that names this gateway and the session’s tenant', () => {
    const { repository } = recordingRepository();
    const tracker = new SessionTracker(repository, () => null, { keepaliveSeconds: 30 }, () => undefined, 'gateway-1');
    const held = session();
    tracker.opened(start('a'), held);
    const order = { gatewayId: 'gateway-1', tenantId: scope.tenantId, uid: 'a', reason: 'closed by a member' };
    expect(tracker.closeRequested({ ...order, gatewayId: 'gateway-2' })).toBe(false);
    expect(tracker.closeRequested({ ...order, tenantId: randomUUID() })).toBe(false);
    expect(tracker.closeRequested({ ...order, uid: 'b' })).toBe(false);
    expect(held.reasons).toEqual([]);
    expect(tracker.closeRequested(order)).toBe(true);
    expect(held.reasons).toEqual(['closed by a member']);
  });

  it('keeps every held session alive in one batch, and forgets those that closed', async () => {
    const { repository, touched, finishCreate } = recordingRepository();
    finishCreate();
    const tracker = new SessionTracker(repository, () => null, { keepaliveSeconds: 30 }, () => undefined);
    tracker.opened(start('a'), session());
    tracker.opened(start('b'), session());
    // Once their records exist: a round leaves out sessions whose writes are under way.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await tracker.keepalive();
    await tracker.closed('a');
    await tracker.keepalive();
    expect(touched).toEqual([
      [
        { tenantId: scope.tenantId, uid: 'a' },
        { tenantId: scope.tenantId, uid: 'b' },
      ],
      [{ tenantId: scope.tenantId, uid: 'b' }],
    ]);
  });
});
