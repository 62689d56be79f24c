import { Schema } from 'mongoose';
import { documentSchemaOptions } from './schema-options';

export const CHANNEL_POLICY_MODEL = 'ChannelPolicy';

/** A port-forwarding end point: one address (an IP address or a host name as the client sent it) or a network. */
export interface ForwardingAddress {
  selection: 'address' | 'network';
  /** `192.168.1.1`, `localhost`, or `192.168.0.0/16` for a network. */
  value: string;
  /** Only this destination port; absent means any port. */
  port?: number;
}

/**
 * What a matching policy lets a person open (seed 002's SSH channel types). A type that is not allowed is refused
 * on the channel with the policy's name; allow-lists that are empty mean "any".
 */
export interface ChannelPermissions {
  shell: boolean;
  exec: boolean;
  /** Patterns a whole exec command must match (RE2, anchored at both ends); empty allows every command. */
  exec_commands: string[];
  scp: boolean;
  sftp: boolean;
  /** Subsystems other than sftp. */
  subsystem: boolean;
  subsystem_names: string[];
  local_forwarding: boolean;
  /** Destinations `ssh -L`/`-D` may reach on the device's side; empty allows every destination. */
  local_forwarding_destinations: ForwardingAddress[];
  remote_forwarding: boolean;
  x11_forwarding: boolean;
  agent_forwarding: boolean;
}

/** Which connections a policy covers: devices by name pattern or tags (as firewall rules), and login names. */
export type ChannelPolicyFilter = { hostname: string; tags?: undefined } | { tags: string[]; hostname?: undefined };

export interface ChannelPolicyDocument {
  /** 24 hex characters. */
  id: string;
  tenant_id: string;
  name: string;
  active: boolean;
  /** Lower is evaluated first; the first active policy that covers a connection decides all of its channels. */
  priority: number;
  /** RE2 pattern on the device login name; empty covers every login. */
  username: string;
  filter: ChannelPolicyFilter;
  channels: ChannelPermissions;
  created_at?: Date;
  updated_at?: Date;
}

const forwardingAddressSchema = new Schema<ForwardingAddress>(
  {
    selection: { type: String, required: true, enum: ['address', 'network'] },
    value: { type: String, required: true },
    port: { type: Number },
  },
  { _id: false },
);

const channelPermissionsSchema = new Schema<ChannelPermissions>(
  {
    shell: { type: Boolean, required: true },
    exec: { type: Boolean, required: true },
    exec_commands: { type: [String], default: [] },
    scp: { type: Boolean, required: true },
    sftp: { type: Boolean, required: true },
    subsystem: { type: Boolean, required: true },
    subsystem_names: { type: [String], default: [] },
    local_forwarding: { type: Boolean, required: true },
    local_forwarding_destinations: { type: [forwardingAddressSchema], default: [] },
    remote_forwarding: { type: Boolean, required: true },
    x11_forwarding: { type: Boolean, required: true },
    agent_forwarding: { type: Boolean, required: true },
  },
  { _id: false },
);

export const channelPolicySchema = new Schema<ChannelPolicyDocument>(
  {
    id: { type: String, required: true },
    tenant_id: { type: String, required: true },
    name: { type: String, required: true },
    active: { type: Boolean, required: true },
    priority: { type: Number, required: true },
    username: { type: String, default: '' },
    filter: {
      type: { hostname: { type: String }, tags: { type: [String], default: undefined } },
      required: true,
      _id: false,
    },
    channels: { type: channelPermissionsSchema, required: true },
  },
  documentSchemaOptions('channel_policies'),
);
channelPolicySchema.index({ tenant_id: 1, id: 1 }, { unique: true });
channelPolicySchema.index({ tenant_id: 1, active: 1, priority: 1 });
