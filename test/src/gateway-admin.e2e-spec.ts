import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateEd25519KeyPair } from '@fleetgate/public-keys';
import { type AppProcess, childEnvironment, createTestContext, type TestContext } from '@fleetgate/testing';
import { ensureLocalUser, runningAsRoot } from './support/local-user';
import { clientOptions, generateClientKey, runAsync } from './support/openssh';
import { eventually, type Platform, startAgent, startPlatform } from './support/platform';

const USER = 'fgtest';
const PASSWORD = 'device-password-42';
const describeAsRoot = runningAsRoot ? describe : describe.skip;

interface DeviceJson {
  uid: string;
  name: string;
  online: boolean;
  host_key_changed: boolean;
  presented_host_key_fingerprint: string | null;
}
interface HostKeyJson {
  algorithm: string;
  fingerprint: string;
  public_key: string;
}
interface ConnectionJson {
  id: string;
  user: string;
  device: string;
  bytes_in: number;
  bytes_out: number;
}
interface AuditJson {
  kind: string;
  reason: string;
  device: string;
}

const filterOf = (items: unknown[]) => Buffer.from(JSON.stringify(items)).toString('base64');
const fingerprintOf = (blobBase64: string) =>
  `SHA256:${createHash('sha256').update(Buffer.from(blobBase64, 'base64')).digest('base64').replace(/=+$/, '')}`;

/** A session kept open: it prints "got <line>" once it reads a line, so it proves it still works later. */
function openSession(args: string[]): { child: ChildProcessWithoutNullStreams; output: () => string; exited: Promise<number | null> } {
  const child = spawn('ssh', args, { env: childEnvironment(), stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (status) => resolve(status)));
  return { child, output: () => output, exited };
}

/**
 * Instance administration against the real api, gateway and agent processes, with the stock OpenSSH client (issue
 * 12, items 4 to 8): host-key rotation, live connections and their disconnection, pinned device host keys.
 */
describeAsRoot('gateway administration, end to end with OpenSSH', () => {
  let context: TestContext;
  let scratch: string;
  let platform: Platform;
  let agent: AppProcess;
  let key: string;
  let target: string;
  let deviceUid: string;

  beforeAll(async () => {
    context = await createTestContext(__filename);
    scratch = await mkdtemp(join(tmpdir(), 'fleetgate-gateway-admin-'));
    ensureLocalUser(USER, PASSWORD);
    platform = await startPlatform(context, scratch, 'acme', { GATEWAY_STATUS_REFRESH_SECONDS: '1', AUDIT_FLUSH_MS: '100' });
    agent = await startAgent(platform, { keyPath: join(scratch, 'agent', 'agent.key'), hostname: 'admin-pi' });
    const device = await eventually(async () => {
      const list = await platform.api<DeviceJson[]>('GET', '/api/devices?status=pending');
      return list.body.find((entry) => entry.name === 'admin-pi');
    }, 20_000, 'the device to register');
    deviceUid = device.uid;
    expect((await platform.api('PATCH', `/api/devices/${deviceUid}/accept`)).status).toBe(200);
    key = generateClientKey(join(scratch, 'id_ed25519'));
    const created = await platform.api('POST', '/api/sshkeys/public-keys', {
      data: Buffer.from(readFileSync(`${key}.pub`, 'utf8').trim()).toString('base64'),
      filter: { hostname: '.*' },
      name: 'e2e key',
      username: '.*',
    });
    expect(created.status).toBe(200);
    target = `${USER}@${platform.namespace}.admin-pi@127.0.0.1`;
    await eventually(async () => (await platform.api<DeviceJson>('GET', `/api/devices/${deviceUid}`)).body.online, 20_000, 'the device to be online');
  }, 120_000);

  afterAll(async () => {
    await agent?.stop('SIGTERM');
    await platform?.stop();
    await context?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  const ssh = (command: string, options = clientOptions(platform.sshPort, key)) =>
    runAsync('ssh', [...options, target, command], { env: childEnvironment() });
  const liveConnections = async () => (await platform.api<ConnectionJson[]>('GET', '/admin/api/connections?per_page=100')).body;
  /** The person's connection that appears after `earlier` (lists lag a refresh round behind closed connections). */
  const newLiveConnection = (earlier: ConnectionJson[]) =>
    eventually(async () => {
      const known = new Set(earlier.map((connection) => connection.id));
      return (await liveConnections()).find((connection) => !known.has(connection.id) && connection.device === deviceUid && connection.user === USER);
    }, 20_000, 'the live connection to be listed');
  const auditEvents = async (kind: string) =>
    (await platform.api<AuditJson[]>('GET', `/api/audit-log?per_page=100&filter=${filterOf([{ type: 'property', params: { name: 'kind', operator: 'eq', value: kind } }])}`)).body;

  it('keeps a namespace owner out of /admin/api until the instance-admin flag is set', async () => {
    expect((await platform.api('GET', '/admin/api/status')).status).toBe(403);
    await context.models.users.updateOne({ username: 'owner' }, { $set: { admin: true } });
    const status = await platform.api<Array<{ listening: boolean; version: string; uptime_seconds: number }>>('GET', '/admin/api/status');
    expect(status.status).toBe(200);
    expect(status.body).toEqual([expect.objectContaining({ listening: true })]);
  });

  it('rotates the host key: new connections see the new key, a session opened before keeps working', async () => {
    const keysBefore = (await platform.api<HostKeyJson[]>('GET', '/admin/api/host-keys')).body;
    // The gateway adopted the key file of earlier versions as its first stored key.
    const before = keysBefore.find((hostKey) => hostKey.algorithm === 'ed25519');
    if (!before) throw new Error(`no ed25519 host key stored: ${JSON.stringify(keysBefore)}`);
    const knownHosts = (hostKey: HostKeyJson) => {
      const path = join(scratch, `known_hosts-${hostKey.fingerprint.slice(7, 15).replace(/[^A-Za-z0-9]/g, '_')}`);
      writeFileSync(path, `[127.0.0.1]:${platform.sshPort} ${hostKey.public_key}\n`);
      return path;
    };
    const pinnedTo = (path: string) => [
      '-p', String(platform.sshPort), '-i', key, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes',
      '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${path}`, '-o', 'HostKeyAlgorithms=ssh-ed25519',
    ];
    const oldKnownHosts = knownHosts(before);
    expect(await ssh('echo before', pinnedTo(oldKnownHosts))).toMatchObject({ status: 0, stdout: 'before\n' });

    const earlier = await liveConnections();
    const session = openSession([...pinnedTo(oldKnownHosts), target, 'read line; echo "got $line"']);
    try {
      await newLiveConnection(earlier);
      const rotated = await platform.api<HostKeyJson>('POST', '/admin/api/host-keys/ed25519', {});
      expect(rotated.status).toBe(200);
      expect(rotated.body.fingerprint).not.toBe(before.fingerprint);

      const keyscan = () => spawnSync('ssh-keyscan', ['-p', String(platform.sshPort), '-t', 'ed25519', '127.0.0.1'], { encoding: 'utf8' }).stdout;
      await eventually(async () => keyscan().includes(rotated.body.public_key.split(' ')[1]), 10_000, 'the gateway to offer the new key');
      const refused = await ssh('echo never', pinnedTo(oldKnownHosts));
      expect(refused.status).toBe(255);
      expect(refused.stderr).toMatch(/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
      expect(await ssh('echo after', pinnedTo(knownHosts(rotated.body)))).toMatchObject({ status: 0, stdout: 'after\n' });

      session.child.stdin.write('ping\n');
      expect(await session.exited).toBe(0);
      expect(session.output()).toContain('got ping');
    } finally {
      session.child.kill();
    }
  }, 90_000);

  it('disconnects a live connection through the API, which ends the client', async () => {
    const earlier = await liveConnections();
    const session = openSession([...clientOptions(platform.sshPort, key), target, 'echo started; sleep 120']);
    try {
      await eventually(async () => session.output().includes('started'), 20_000, 'the session to start');
      const connection = await newLiveConnection(earlier);
      expect(connection.bytes_in).toBeGreaterThan(0);
      expect(connection.bytes_out).toBeGreaterThan(0);
      const started = Date.now();
      expect((await platform.api('DELETE', `/admin/api/connections/${encodeURIComponent(connection.id)}`)).status).toBe(200);
      expect(await session.exited).toBe(255);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(session.output()).toContain('ended by an administrator');
      await eventually(async () => (await auditEvents('disconnected')).some((event) => event.device === deviceUid), 10_000, 'the disconnect in the audit log');
      expect((await platform.api('DELETE', `/admin/api/connections/${encodeURIComponent(connection.id)}`)).status).toBe(404);
    } finally {
      session.child.kill();
    }
  }, 60_000);

  it('refuses a device that presents another host key than the pinned one until the change is accepted', async () => {
    // The device's pinned key is made another one than it presents: as if an impostor answered in its place.
    const otherKey = generateEd25519KeyPair().public.split(' ')[1];
    await context.models.devices.updateOne({ uid: deviceUid }, { $set: { pinned_host_key: otherKey } });

    const refused = await ssh('echo never');
    expect(refused.status).toBe(255);
    expect(refused.stderr).toMatch(/presented a host key \(SHA256:[^)]+\) that differs from the one pinned for it/);

    const changedFilter = filterOf([{ type: 'property', params: { name: 'host_key_changed', operator: 'bool', value: true } }]);
    const changed = (await platform.api<DeviceJson[]>('GET', `/api/devices?filter=${changedFilter}`)).body;
    expect(changed).toEqual([expect.objectContaining({ uid: deviceUid, host_key_changed: true })]);
    const stored = await context.models.devices.findOne({ uid: deviceUid }).lean();
    expect(changed[0].presented_host_key_fingerprint).toBe(fingerprintOf(stored?.presented_host_key ?? ''));
    expect(changed[0].presented_host_key_fingerprint).not.toBe(fingerprintOf(otherKey));
    expect((await ssh('echo still-never')).status).toBe(255);
    await eventually(async () => (await auditEvents('host-key-changed')).length >= 2, 10_000, 'the refusals in the audit log');

    expect((await platform.api('POST', `/api/devices/${deviceUid}/host-key/accept`)).status).toBe(200);
    expect(await ssh('echo accepted')).toMatchObject({ status: 0, stdout: 'accepted\n' });
    expect((await platform.api<DeviceJson[]>('GET', `/api/devices?filter=${changedFilter}`)).body).toEqual([]);
    await eventually(async () => (await auditEvents('login')).length > 0, 10_000, 'logins in the audit log');
  }, 60_000);
});
