import type { Schemas } from '../../api/client';
import type { DeviceSelector } from '../../ui/device-filter-input';

export type ChannelPolicy = Schemas['ChannelPolicyDto'];
export type ChannelPolicyRequest = Schemas['ChannelPolicyRequestDto'];
type ForwardingAddress = Schemas['ForwardingAddressDto'];

/** The yes/no channel switches, in the order the form shows them, with what a person reads for each. */
export const channelSwitches = [
  { key: 'shell', label: 'Interactive shell' },
  { key: 'exec', label: 'Run commands (exec)' },
  { key: 'sftp', label: 'SFTP (and OpenSSH 9 scp)' },
  { key: 'scp', label: 'Legacy scp (scp -O)' },
  { key: 'subsystem', label: 'Other subsystems' },
  { key: 'local_forwarding', label: 'Local port forwarding (ssh -L, -D, -W)' },
  { key: 'remote_forwarding', label: 'Remote port forwarding (ssh -R)' },
  { key: 'x11_forwarding', label: 'X11 forwarding' },
  { key: 'agent_forwarding', label: 'Agent forwarding' },
] as const;

export type ChannelSwitch = (typeof channelSwitches)[number]['key'];

/** The form's shape: the lists are edited as text, one entry a line, because patterns may hold commas. */
export interface ChannelPolicyValues {
  name: string;
  active: boolean;
  priority: number;
  username: string;
  filter: DeviceSelector;
  channels: Record<ChannelSwitch, boolean>;
  exec_commands: string;
  subsystem_names: string;
  destinations: string;
}

export function newPolicyValues(priority: number): ChannelPolicyValues {
  return {
    name: '',
    active: true,
    priority,
    username: '',
    filter: { hostname: '.*' },
    channels: Object.fromEntries(channelSwitches.map(({ key }) => [key, true])) as Record<ChannelSwitch, boolean>,
    exec_commands: '',
    subsystem_names: '',
    destinations: '',
  };
}

export function policyValues(policy: ChannelPolicy): ChannelPolicyValues {
  const { channels } = policy;
  return {
    name: policy.name,
    active: policy.active,
    priority: policy.priority,
    username: policy.username,
    filter: policy.filter.tags?.length ? { tags: policy.filter.tags } : { hostname: policy.filter.hostname ?? '.*' },
    channels: Object.fromEntries(channelSwitches.map(({ key }) => [key, channels[key]])) as Record<ChannelSwitch, boolean>,
    exec_commands: channels.exec_commands.join('\n'),
    subsystem_names: channels.subsystem_names.join('\n'),
    destinations: channels.local_forwarding_destinations.map(formatDestination).join('\n'),
  };
}

/** The request body; call only after `destinationsProblem` said nothing. */
export function policyRequest(values: ChannelPolicyValues): ChannelPolicyRequest {
  return {
    name: values.name.trim(),
    active: values.active,
    priority: values.priority,
    username: values.username,
    filter: values.filter,
    channels: {
      ...values.channels,
      exec_commands: lines(values.exec_commands),
      subsystem_names: lines(values.subsystem_names),
      local_forwarding_destinations: lines(values.destinations).map((line) => parseDestination(line) as ForwardingAddress),
    },
  };
}

export function lines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/**
 * One destination line: `10.0.0.0/8`, `192.168.1.20:22`, `db.internal:5432`, `[fd00::1]:22` or `fd00::/8`. A
 * value with a `/` is a network; anything else an address (an IP address or the host name the client sends).
 */
export function parseDestination(line: string): ForwardingAddress | string {
  let value = line;
  let port: number | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(line);
  const hostAndPort = /^([^:]+):(\d+)$/.exec(line);
  if (bracketed) [value, port] = [bracketed[1], bracketed[2] === undefined ? undefined : Number(bracketed[2])];
  else if (hostAndPort) [value, port] = [hostAndPort[1], Number(hostAndPort[2])];
  else if (line.split(':').length === 2) return `"${line}": a port is a number, as in host:22`;
  if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65535)) return `"${line}": a port is 1 to 65535`;
  if (value.includes('/')) {
    const prefix = value.split('/')[1];
    if (!/^\d{1,3}$/.test(prefix ?? '')) return `"${line}": a network is written address/prefix, as in 10.0.0.0/8`;
    return port === undefined ? { selection: 'network', value } : { selection: 'network', value, port };
  }
  if (/\s/.test(value)) return `"${line}": one destination a line`;
  return port === undefined ? { selection: 'address', value } : { selection: 'address', value, port };
}

export function formatDestination({ value, port }: ForwardingAddress): string {
  if (port === undefined || port === null) return value;
  return value.includes(':') ? `[${value}]:${port}` : `${value}:${port}`;
}

export function destinationsProblem(text: string): string | null {
  for (const line of lines(text)) {
    const parsed = parseDestination(line);
    if (typeof parsed === 'string') return parsed;
  }
  return null;
}

export function patternsProblem(text: string): string | null {
  for (const line of lines(text)) {
    try {
      new RegExp(line);
    } catch {
      return `"${line}" is not a valid pattern`;
    }
  }
  return null;
}

/** A one-line account of what a policy allows, for the list. */
export function describeChannels(channels: ChannelPolicy['channels']): string {
  const allowed = channelSwitches.filter(({ key }) => channels[key]).map(({ key }) => shortName[key]);
  if (allowed.length === channelSwitches.length) return 'everything';
  if (allowed.length === 0) return 'nothing';
  const narrowed = allowed.map((name) => {
    if (name === 'exec' && channels.exec_commands.length > 0) return `exec (${channels.exec_commands.length} patterns)`;
    if (name === '-L' && channels.local_forwarding_destinations.length > 0) {
      return `-L (${channels.local_forwarding_destinations.length} destinations)`;
    }
    return name;
  });
  return narrowed.join(', ');
}

const shortName: Record<ChannelSwitch, string> = {
  shell: 'shell',
  exec: 'exec',
  sftp: 'sftp',
  scp: 'scp',
  subsystem: 'subsystems',
  local_forwarding: '-L',
  remote_forwarding: '-R',
  x11_forwarding: 'X11',
  agent_forwarding: 'agent',
};
