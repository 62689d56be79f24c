import { randomBytes, randomUUID } from 'node:crypto';
import { persist, type RunningHttpApp, type TestContext } from '@fleetgate/testing';
import { generateEd25519KeyPair } from '@fleetgate/public-keys';
import { newMember, newOwner, type TestMember } from './members';

/**
 * Test-only (excluded from the build): a namespace with one of each resource a route can name, made through the
 * real API where it has a route and through the factories where only a platform service writes (devices,
 * sessions). The matrix and the fuzzing aim their requests at these.
 */
export interface TenantFixture {
  tenantId: string;
  owner: TestMember;
  observer: TestMember;
  /** Plaintext of an administrator-role API key of the namespace. */
  apiKey: string;
  apiKeyName: string;
  deviceUid: string;
  deviceName: string;
  containerUid: string;
  sessionUid: string;
  fingerprint: string;
  firewallRuleId: string;
  connectorUid: string;
  channelPolicyId: string;
  tag: string;
  /**
   * Values that belong to this namespace alone: one of them in an answer to someone outside it is a leak (unless
   * the caller sent it).
   */
  secrets: string[];
}

const unique = (prefix: string) => `${prefix}${randomBytes(4).toString('hex')}`;

export async function arrangeTenant(api: RunningHttpApp, context: TestContext): Promise<TenantFixture> {
  const owner = await newOwner(api);
  const observer = await newMember(api, owner.tenantId, 'observer');
  const asOwner = async (method: string, path: string, body: unknown): Promise<Record<string, unknown>> => {
    const response = await fetch(`${api.url}${path}`, {
      method,
      headers: { authorization: owner.authorization, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status !== 200) throw new Error(`${method} ${path} as owner: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };
  const tag = unique('tag');
  const info = { id: 'debian', pretty_name: 'Debian', version: '0.1.0', arch: 'x86_64' };
  const device = await persist.device(context.connection, {
    tenant_id: owner.tenantId,
    name: unique('device-'),
    tags: [tag],
    info: { ...info, platform: 'native' },
  });
  const container = await persist.device(context.connection, {
    tenant_id: owner.tenantId,
    name: unique('container-'),
    tags: [tag],
    info: { ...info, platform: 'connector' },
  });
  const session = await persist.session(context.connection, { tenant_id: owner.tenantId, device_uid: device.uid });
  const apiKeyName = unique('key');
  const apiKey = await asOwner('POST', '/api/namespaces/api-key', { name: apiKeyName, expires_at: -1, role: 'administrator' });
  const publicKey = await asOwner('POST', '/api/sshkeys/public-keys', {
    data: Buffer.from(generateEd25519KeyPair().public).toString('base64'),
    name: unique('pk-'),
    username: '.*',
    filter: { tags: [tag] },
  });
  const rule = await asOwner('POST', '/api/firewall/rules', {
    action: 'allow',
    active: true,
    priority: 1,
    source_ip: '.*',
    username: '.*',
    filter: { tags: [tag] },
  });
  const connector = await asOwner('POST', '/api/connector', { address: '192.0.2.10', port: 2375 });
  const policy = await asOwner('POST', '/api/gateway/channel-policies', {
    name: unique('policy-'),
    active: true,
    priority: 1,
    username: '',
    filter: { tags: [tag] },
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
  const fixture = {
    tenantId: owner.tenantId,
    owner,
    observer,
    apiKey: String(apiKey['id']),
    apiKeyName,
    deviceUid: device.uid,
    deviceName: device.name,
    containerUid: container.uid,
    sessionUid: session.uid,
    fingerprint: String(publicKey['fingerprint']),
    firewallRuleId: String(rule['id']),
    connectorUid: String(connector['uid']),
    channelPolicyId: String(policy['id']),
    tag,
  };
  return {
    ...fixture,
    secrets: [
      fixture.tenantId,
      owner.userId,
      owner.username,
      observer.userId,
      observer.username,
      fixture.apiKey,
      apiKeyName,
      fixture.deviceUid,
      fixture.deviceName,
      fixture.containerUid,
      fixture.sessionUid,
      fixture.fingerprint,
      fixture.firewallRuleId,
      fixture.connectorUid,
      fixture.channelPolicyId,
      tag,
    ],
  };
}

/**
 * The value of a path parameter that names the fixture's own resource on this route. A route with a parameter not
 * known here fails the test that asks, so that a new kind of resource is taught to the matrix rather than skipped.
 */
export function pathParameterValue(path: string, name: string, tenant: TenantFixture): string {
  const under = (prefix: string) => path.startsWith(prefix);
  switch (name) {
    case 'tenant':
      return tenant.tenantId;
    case 'fingerprint':
      return tenant.fingerprint;
    case 'tag':
      return tenant.tag;
    case 'key':
      return tenant.apiKeyName;
    case 'status':
      return 'accept';
    case 'algorithm':
      return 'ed25519';
    case 'username':
      return 'root';
    case 'uuid':
      return randomUUID();
    case 'uid':
      if (under('/api/sessions')) return tenant.sessionUid;
      if (under('/api/connector')) return tenant.connectorUid;
      if (under('/api/containers')) return tenant.containerUid;
      if (under('/api/devices') || under('/internal/devices')) return tenant.deviceUid;
      if (under('/api/namespaces/{tenant}/members')) return tenant.observer.userId;
      if (under('/api/user/')) return tenant.owner.userId;
      break;
    case 'id':
      if (under('/api/firewall/rules')) return tenant.firewallRuleId;
      if (under('/api/gateway/channel-policies')) return tenant.channelPolicyId;
      if (under('/api/users/') || under('/api/user/mfa/reset')) return tenant.owner.userId;
      if (under('/api/namespaces/{tenant}/members')) return tenant.observer.userId;
      if (under('/admin/api/connections')) return randomUUID();
      break;
  }
  throw new Error(`no fixture value for path parameter "${name}" of ${path}: teach pathParameterValue about it`);
}

/** `path` with every `{name}` replaced by the fixture's value for it, URL-encoded. */
export function fillPath(path: string, tenant: TenantFixture): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(pathParameterValue(path, name, tenant)));
}
