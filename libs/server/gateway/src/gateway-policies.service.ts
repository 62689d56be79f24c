import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import {
  AuthenticationPoliciesRepository,
  type ChannelPermissions,
  ChannelPoliciesRepository,
  type ChannelPolicyDocument,
  type ForwardingAddress,
  GatewaySettingsRepository,
  type Page,
  type PageRequest,
  pageWindow,
  type TenantScope,
} from '@fleetgate/data-access';
import { AppException } from '@fleetgate/errors';
import { SafePattern, validDeviceFilter } from '@fleetgate/patterns';
import { GatewayControlRepository } from '@fleetgate/queue';
import { DEFAULT_AUTHENTICATION_POLICY, type GatewayAuthenticationPolicy } from './auth-policy';
import { parseNetwork } from './channel-policy';
import { assertValidGatewaySettings, defaultGatewaySettings, type GatewaySettings } from './gateway-settings';

export interface ChannelPolicyRequest {
  name: string;
  active: boolean;
  priority: number;
  username: string;
  filter: { hostname?: string; tags?: string[] };
  channels: ChannelPermissions;
}

/** A channel policy as the API returns it. */
export interface ChannelPolicyView extends ChannelPolicyRequest {
  id: string;
  tenant_id: string;
}

/** Per-namespace channel policies (issue 12, item 1): written by the API, read by the gateway once per login. */
@Injectable()
export class ChannelPoliciesService {
  constructor(private readonly policies: ChannelPoliciesRepository) {}

  async create(scope: TenantScope, request: ChannelPolicyRequest): Promise<ChannelPolicyView> {
    return toView(await this.policies.create(scope, { id: randomBytes(12).toString('hex'), ...validPolicy(request) }));
  }

  async list(scope: TenantScope, page: PageRequest): Promise<Page<ChannelPolicyView>> {
    const [total, policies] = await Promise.all([
      this.policies.count(scope, {}),
      this.policies.find(scope, {}, { sort: { priority: 1, id: 1 }, ...pageWindow(page) }),
    ]);
    return { items: policies.map(toView), total };
  }

  async get(scope: TenantScope, id: string): Promise<ChannelPolicyView> {
    const policy = await this.policies.findOne(scope, { id: String(id) });
    if (!policy) throw AppException.notFound('channel policy');
    return toView(policy);
  }

  async update(scope: TenantScope, id: string, request: ChannelPolicyRequest): Promise<ChannelPolicyView> {
    const policy = await this.policies.updateOne(scope, { id: String(id) }, { $set: validPolicy(request) });
    if (!policy) throw AppException.notFound('channel policy');
    return toView(policy);
  }

  async delete(scope: TenantScope, id: string): Promise<void> {
    if (!(await this.policies.deleteOne(scope, { id: String(id) }))) throw AppException.notFound('channel policy');
  }

  /** What the gateway evaluates for a login. */
  activePolicies(scope: TenantScope): Promise<ChannelPolicyDocument[]> {
    return this.policies.find(scope, { active: true });
  }
}

/** Every pattern compiles on RE2 and every address parses at write time; the gateway never meets a bad one. */
function validPolicy(request: ChannelPolicyRequest): Omit<ChannelPolicyDocument, 'id' | 'tenant_id'> {
  SafePattern.compile(request.username, 'username');
  const filter = validDeviceFilter(request.filter);
  const channels = request.channels;
  channels.exec_commands.forEach((pattern, index) => SafePattern.compile(pattern, `channels.exec_commands[${index}]`));
  channels.local_forwarding_destinations.forEach((destination, index) => assertDestination(destination, `channels.local_forwarding_destinations[${index}]`));
  return {
    name: request.name,
    active: request.active,
    priority: request.priority,
    username: request.username,
    filter,
    channels: {
      shell: channels.shell,
      exec: channels.exec,
      exec_commands: [...channels.exec_commands],
      scp: channels.scp,
      sftp: channels.sftp,
      subsystem: channels.subsystem,
      subsystem_names: [...channels.subsystem_names],
      local_forwarding: channels.local_forwarding,
      local_forwarding_destinations: channels.local_forwarding_destinations.map(({ selection, value, port }) => ({
        selection,
        value,
        ...(port === undefined ? {} : { port }),
      })),
      remote_forwarding: channels.remote_forwarding,
      x11_forwarding: channels.x11_forwarding,
      agent_forwarding: channels.agent_forwarding,
    },
  };
}

function assertDestination(destination: ForwardingAddress, field: string): void {
  if (destination.selection === 'network' && !parseNetwork(destination.value)) {
    throw AppException.validation(`${field}.value: "${destination.value}" is not a network (a.b.c.d/n)`, {
      fields: [{ field: `${field}.value`, problems: ['not a network in address/prefix form'] }],
    });
  }
  // An address is an IP address, or a host name as some clients send it (seed 002's note).
  if (destination.selection === 'address' && isIP(destination.value) === 0 && !/^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$/.test(destination.value)) {
    throw AppException.validation(`${field}.value: "${destination.value}" is not an IP address or a host name`, {
      fields: [{ field: `${field}.value`, problems: ['not an IP address or a host name'] }],
    });
  }
}

function toView(policy: ChannelPolicyDocument): ChannelPolicyView {
  return {
    id: policy.id,
    tenant_id: policy.tenant_id,
    name: policy.name,
    active: policy.active,
    priority: policy.priority,
    username: policy.username,
    filter: policy.filter.hostname !== undefined ? { hostname: policy.filter.hostname } : { tags: policy.filter.tags ?? [] },
    channels: {
      shell: policy.channels.shell,
      exec: policy.channels.exec,
      exec_commands: policy.channels.exec_commands ?? [],
      scp: policy.channels.scp,
      sftp: policy.channels.sftp,
      subsystem: policy.channels.subsystem,
      subsystem_names: policy.channels.subsystem_names ?? [],
      local_forwarding: policy.channels.local_forwarding,
      local_forwarding_destinations: (policy.channels.local_forwarding_destinations ?? []).map(({ selection, value, port }) => ({
        selection,
        value,
        ...(port === undefined || port === null ? {} : { port }),
      })),
      remote_forwarding: policy.channels.remote_forwarding,
      x11_forwarding: policy.channels.x11_forwarding,
      agent_forwarding: policy.channels.agent_forwarding,
    },
  };
}

/** A namespace's authentication policy (issue 12, item 2); a namespace without one gets the default. */
@Injectable()
export class AuthenticationPolicyService {
  constructor(private readonly policies: AuthenticationPoliciesRepository) {}

  async get(scope: TenantScope): Promise<GatewayAuthenticationPolicy> {
    const stored = await this.policies.findOne(scope, {});
    if (!stored) return { ...DEFAULT_AUTHENTICATION_POLICY };
    return { public_key: stored.public_key, password: stored.password, keyboard_interactive: stored.keyboard_interactive, require_mfa: stored.require_mfa };
  }

  async put(scope: TenantScope, request: GatewayAuthenticationPolicy): Promise<GatewayAuthenticationPolicy> {
    if (!request.public_key && !request.password && !request.keyboard_interactive) {
      throw AppException.validation('at least one of public_key, password and keyboard_interactive must be allowed');
    }
    if (request.require_mfa && !request.public_key) {
      throw AppException.validation('require_mfa needs public_key: the second factor is asked of the member who registered the key');
    }
    const fields = {
      public_key: request.public_key,
      password: request.password,
      keyboard_interactive: request.keyboard_interactive,
      require_mfa: request.require_mfa,
    };
    await this.policies.put(scope, fields);
    return fields;
  }
}

/**
 * The instance's gateway settings (issue 12, item 3). Saving validates them, stores them and tells every gateway to
 * reload; gateways apply them to new connections.
 */
@Injectable()
export class GatewaySettingsService {
  constructor(
    private readonly settings: GatewaySettingsRepository,
    private readonly control: GatewayControlRepository,
  ) {}

  /** The stored settings; before anyone saved some, the defaults a gateway with the default configuration runs on. */
  async get(): Promise<GatewaySettings> {
    const defaults = defaultGatewaySettings({ maxAuthAttempts: 6 });
    const stored = await this.settings.find();
    if (!stored) return defaults;
    const settings = { ...defaults };
    for (const key of Object.keys(defaults) as Array<keyof GatewaySettings>) {
      if (stored[key] !== undefined) (settings as Record<string, unknown>)[key] = stored[key];
    }
    return settings;
  }

  /** Changes the fields `request` names (PUT names them all, PATCH some), then announces the change. */
  async put(request: Partial<GatewaySettings>): Promise<GatewaySettings> {
    const next = { ...(await this.get()), ...definedFields(request) };
    assertValidGatewaySettings(next);
    await this.settings.put(next);
    await this.control.announceSettingsChange();
    return next;
  }
}

function definedFields(request: Partial<GatewaySettings>): Partial<GatewaySettings> {
  return Object.fromEntries(Object.entries(request).filter(([, value]) => value !== undefined)) as Partial<GatewaySettings>;
}
