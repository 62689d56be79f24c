import type { INestApplicationContext } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Job } from 'bullmq';
import { loadWorkerConfig } from '@fleetgate/config';
import { CleanupJobName, QueueName } from '@fleetgate/contracts';
import { apiKeyDigest } from '@fleetgate/data-access';
import { DeviceAdmissionRepository, QueueProducer } from '@fleetgate/queue';
import { createTestContext, persist, serverEnvironment, type TestContext } from '@fleetgate/testing';
import { createWorkerApplication } from '../bootstrap';

describe('cleanup processor: delete-namespace-contents (real database and Redis)', () => {
  let context: TestContext;
  let app: INestApplicationContext;

  /** Everything a tenant owns, written straight into the database. */
  const contentsOf = async (tenantId: string) => {
    await persist.device(context.connection, { tenant_id: tenantId });
    await persist.device(context.connection, { tenant_id: tenantId, status: 'accepted' });
    await context.models.publicKeys.create({
      tenant_id: tenantId,
      fingerprint: randomBytes(16)
        .toString('hex')
        .replace(/(..)(?!$)/g, '$1:'),
      data: randomBytes(32).toString('base64'),
      name: 'laptop',
      filter: { hostname: '.*' },
    });
    await context.models.memberships
      .create({ tenant_id: tenantId, user_id: randomUUID(), role: 'observer', status: 'accepted' });
    await context.models.firewallRules.create({
      id: randomBytes(12).toString('hex'),
      tenant_id: tenantId,
      action: 'deny',
      active: true,
      priority: 1,
      source_ip: '.*',
      username: '.*',
      filter: { hostname: '.*' },
    });
    await context.models.apiKeys.create({
      tenant_id: tenantId,
      key_digest: apiKeyDigest(randomUUID()),
      name: 'automation',
      role: 'observer',
      created_by: randomUUID(),
      expires_in: -1,
    });
    await context.models.connectors.create({
      uid: randomUUID(),
      tenant_id: tenantId,
      enable: true,
      address: '192.0.2.10',
      port: 2375,
      secure: false,
      tls: null,
    });
    await persist.session(context.connection, { tenant_id: tenantId, device_uid: randomBytes(32).toString('hex') });
    const sessionUid = randomBytes(32).toString('hex');
    await context.models.recordingChunks.create({
      tenant_id: tenantId,
      session_uid: sessionUid,
      seq: 0,
      session_started_at: new Date(),
      started_at: new Date(),
      frames: [{ t: Date.now(), k: 'o', d: Buffer.from('hello').toString('base64') }],
      previous_hash: '0'.repeat(64),
      hash: 'a'.repeat(64),
      last: true,
    });
    await context.models.recordingSignatures.create({
      tenant_id: tenantId,
      session_uid: sessionUid,
      seq: 0,
      hash: 'a'.repeat(64),
      signed_at: new Date(),
      algorithm: 'RS256',
      signature: 'c2lnbmF0dXJl',
      session_started_at: new Date(),
    });
    await context.models.channelPolicies.create({
      id: randomBytes(12).toString('hex'),
      tenant_id: tenantId,
      name: 'ops',
      active: true,
      priority: 1,
      username: '',
      filter: { hostname: '.*' },
      channels: {
        shell: true,
        exec: true,
        exec_commands: [],
        scp: true,
        sftp: true,
        subsystem: true,
        subsystem_names: [],
        local_forwarding: true,
        local_forwarding_destinations: [],
        remote_forwarding: false,
        x11_forwarding: false,
        agent_forwarding: false,
      },
    });
    await context.models.authenticationPolicies.create({
      tenant_id: tenantId,
      public_key: true,
      password: false,
      keyboard_interactive: false,
      require_mfa: true,
    });
    await context.models.auditEvents.create({
      id: randomBytes(12).toString('hex'),
      tenant_id: tenantId,
      kind: 'login',
      reason: 'logged in with publickey',
      at: new Date(),
    });
  };
  const countsOf = async (tenantId: string) => ({
    devices: await context.models.devices.countDocuments({ tenant_id: tenantId }),
    publicKeys: await context.models.publicKeys.countDocuments({ tenant_id: tenantId }),
    firewallRules: await context.models.firewallRules
      .countDocuments({ tenant_id: tenantId }),
    memberships: await context.models.memberships.countDocuments({ tenant_id: tenantId }),
    apiKeys: await context.models.apiKeys.countDocuments({ tenant_id: tenantId }),
    connectors: await context.models.connectors.countDocuments({ tenant_id: tenantId }),
    sessions: await context.models.sessions.countDocuments({ tenant_id: tenantId }),
    recordingChunks: await context.models.recordingChunks.countDocuments({ tenant_id: tenantId }),
    recordingSignatures: await context.models.recordingSignatures.countDocuments({ tenant_id: tenantId }),
    channelPolicies: await context.models.channelPolicies.countDocuments({ tenant_id: tenantId }),
    authenticationPolicies: await context.models.authenticationPolicies.countDocuments({ tenant_id: tenantId }),
    auditEvents: await context.models.auditEvents.countDocuments({ tenant_id: tenantId }),
  });

  /** Enqueues a job as the API does and waits until the worker finishes or gives up on it. */
  const run = async (
    payload: { tenantId: string },
    jobId = `delete-namespace-contents-${payload.tenantId}`,
  ) => {
    const producer = app.get(QueueProducer);
    await producer.enqueue(QueueName.Cleanup, CleanupJobName.DeleteNamespaceContents, payload, {
      jobId,
      attempts: 3,
      backoff: { type: 'fixed', delay: 50 },
    });
    return finished(jobId);
  };

  /** Runs the orphan sweep now, as its scheduler does every ORPHAN_SWEEP_SECONDS. */
  const sweep = async () => {
    const jobId = `sweep-now-${randomUUID()}`;
    await app.get(QueueProducer).enqueue(QueueName.Cleanup, CleanupJobName.SweepOrphans, {}, { jobId, attempts: 1 });
    return finished(jobId);
  };

  const finished = async (jobId: string) => {
    const queue = app.get(QueueProducer).queueFor(QueueName.Cleanup);
    for (let waited = 0; waited < 15_000; waited += 50) {
      const state = await queue.getJobState(jobId);
      if (state === 'completed' || state === 'failed') {
        // Read the job after its final state: a snapshot taken before could miss the last attempt's counters.
        const job: Job | undefined = await queue.getJob(jobId);
        if (job) return { job, state };
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`job ${jobId} did not finish`);
  };

  beforeAll(async () => {
    context = await createTestContext(__filename);
    app = await createWorkerApplication(
      loadWorkerConfig(
        serverEnvironment(context, { WORKER_HEALTH_PORT: '0', ORPHAN_SWEEP_SECONDS: '3600', SESSION_EXPIRY_SECONDS: '60' }),
      ),
    );
    // The scheduler's first sweep runs at start; let it finish before the tests write contents it could take.
    const queue = app.get(QueueProducer).queueFor(QueueName.Cleanup);
    for (let waited = 0; waited < 15_000; waited += 50) {
      const done = await queue.getJobs(['completed', 'failed']);
      if (done.some((job) => job.name === CleanupJobName.SweepOrphans)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the scheduled orphan sweep did not run at start');
  });
  afterAll(async () => {
    await app?.close();
    await context.close();
  });

  it('deletes every device, public key, rule, membership, API key, connector and session of a deleted namespace, and nothing of another', async () => {
    const deleted = randomUUID();
    const kept = (await persist.namespace(context.connection)).tenant_id;
    await contentsOf(deleted);
    await contentsOf(kept);

    const { job, state } = await run({ tenantId: deleted });
    expect(state).toBe('completed');
    expect(job.returnvalue).toEqual({
      devices: 2,
      publicKeys: 1,
      firewallRules: 1,
      memberships: 1,
      apiKeys: 1,
      connectors: 1,
      sessions: 1,
      recordingChunks: 1,
      recordingSignatures: 1,
      channelPolicies: 1,
      authenticationPolicies: 1,
      auditEvents: 1,
    });
    expect(await countsOf(deleted)).toEqual({
      devices: 0,
      publicKeys: 0,
      firewallRules: 0,
      memberships: 0,
      apiKeys: 0,
      connectors: 0,
      sessions: 0,
      recordingChunks: 0,
      recordingSignatures: 0,
      channelPolicies: 0,
      authenticationPolicies: 0,
      auditEvents: 0,
    });
    expect(await countsOf(kept)).toEqual({
      devices: 2,
      publicKeys: 1,
      firewallRules: 1,
      memberships: 1,
      apiKeys: 1,
      connectors: 1,
      sessions: 1,
      recordingChunks: 1,
      recordingSignatures: 1,
      channelPolicies: 1,
      authenticationPolicies: 1,
      auditEvents: 1,
    });
  });

  it('is idempotent: a second run for the same tenant finds nothing left', async () => {
    const deleted = randomUUID();
    await contentsOf(deleted);
    expect((await run({ tenantId: deleted }, `first-${deleted}`)).state).toBe('completed');
    const again = await run({ tenantId: deleted }, `second-${deleted}`);
    expect(again.state).toBe('completed');
    expect(again.job.returnvalue).toEqual({
      devices: 0,
      publicKeys: 0,
      firewallRules: 0,
      memberships: 0,
      apiKeys: 0,
      connectors: 0,
      sessions: 0,
      recordingChunks: 0,
      recordingSignatures: 0,
      channelPolicies: 0,
      authenticationPolicies: 0,
      auditEvents: 0,
    });
  });

  it('refuses, without retrying, to empty a namespace that still exists', async () => {
    const live = (await persist.namespace(context.connection)).tenant_id;
    await contentsOf(live);
    const { job, state } = await run({ tenantId: live });
    expect(state).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(/still exists/);
    expect(await countsOf(live)).toEqual({
      devices: 2,
      publicKeys: 1,
      firewallRules: 1,
      memberships: 1,
      apiKeys: 1,
      connectors: 1,
      sessions: 1,
      recordingChunks: 1,
      recordingSignatures: 1,
      channelPolicies: 1,
      authenticationPolicies: 1,
      auditEvents: 1,
    });
  });

  it('fails a job without a tenant id UUID, without retrying', async () => {
    const { job, state } = await run({ tenantId: 'not-a-uuid' }, `bad-${randomUUID()}`);
    expect(state).toBe('failed');
    expect(job.attemptsMade).toBe(1);
  });

  it('sweeps up what a lost deletion job left behind: no document of a deleted tenant remains in any collection', async () => {
    const queue = app.get(QueueProducer).queueFor(QueueName.Cleanup);
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers).toHaveLength(2);
    expect(schedulers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: 'sweep-orphans', every: 3_600_000 }),
        expect.objectContaining({ key: 'expire-stale-sessions', every: 20_000 }),
      ]),
    );

    // A namespace deleted while the queue lost its job: its documents stay, with no namespace of theirs.
    const orphaned = (await persist.namespace(context.connection)).tenant_id;
    const kept = (await persist.namespace(context.connection)).tenant_id;
    await contentsOf(orphaned);
    await contentsOf(kept);
    await context.models.namespaces.deleteOne({ tenant_id: orphaned });

    const { job, state } = await sweep();
    expect(state).toBe('completed');
    expect((job.returnvalue as { tenants: string[] }).tenants).toContain(orphaned);
    expect((job.returnvalue as { tenants: string[] }).tenants).not.toContain(kept);

    const database = context.connection.db;
    if (!database) throw new Error('no database handle');
    const leftovers: string[] = [];
    for (const collection of await database.collections()) {
      for (const document of await collection.find({}).toArray()) {
        if (JSON.stringify(document).includes(orphaned)) leftovers.push(`${collection.collectionName}: ${JSON.stringify(document)}`);
      }
    }
    expect(leftovers).toEqual([]);
    expect(await countsOf(kept)).toEqual({
      devices: 2,
      publicKeys: 1,
      firewallRules: 1,
      memberships: 1,
      apiKeys: 1,
      connectors: 1,
      sessions: 1,
      recordingChunks: 1,
      recordingSignatures: 1,
      channelPolicies: 1,
      authenticationPolicies: 1,
      auditEvents: 1,
    });
    // Its tunnels are refused too, should the API not have got as far as saying so.
    expect((await app.get(DeviceAdmissionRepository).lookup(orphaned, 'any')).tenantDeleted).toBe(true);
  });

  it('closes the sessions whose gateway stopped keeping them alive, and only those', async () => {
    const tenantId = (await persist.namespace(context.connection)).tenant_id;
    const deviceUid = randomBytes(32).toString('hex');
    const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);
    // A gateway that died two minutes ago (SESSION_EXPIRY_SECONDS is 60 here), and one that is alive.
    const orphaned = await persist.session(context.connection, { tenant_id: tenantId, device_uid: deviceUid, last_seen: minutesAgo(2) });
    const live = await persist.session(context.connection, { tenant_id: tenantId, device_uid: deviceUid });
    const ended = await persist.session(context.connection, {
      tenant_id: tenantId,
      device_uid: deviceUid,
      last_seen: minutesAgo(5),
      active: false,
      closed_at: minutesAgo(5),
    });

    const jobId = `expire-now-${randomUUID()}`;
    await app.get(QueueProducer).enqueue(QueueName.Cleanup, CleanupJobName.ExpireStaleSessions, {}, { jobId, attempts: 1 });
    const { job, state } = await finished(jobId);
    expect(state).toBe('completed');
    expect((job.returnvalue as { expiredSessions: number }).expiredSessions).toBeGreaterThanOrEqual(1);

    const stored = async (uid: string) => context.models.sessions.findOne({ uid }).lean();
    expect(await stored(orphaned.uid)).toMatchObject({ active: false });
    expect((await stored(orphaned.uid))?.closed_at).toBeInstanceOf(Date);
    expect(await stored(live.uid)).toMatchObject({ active: true, closed_at: null });
    expect((await stored(ended.uid))?.closed_at?.getTime()).toBe(ended.closed_at?.getTime());
  });
});
