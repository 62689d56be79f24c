import { BlockList, isIP } from 'node:net';
import type { ChannelPermissions, ChannelPolicyDocument, ForwardingAddress } from '@fleetgate/data-access';
import { patternMatches, SafePattern } from '@fleetgate/patterns';
import type { AccessVerdict } from './access-decision';

/** What a person asks to open on a connection, as the channel relay sees it. */
export type ChannelRequest =
  | { kind: 'shell' }
  | { kind: 'exec'; command: string }
  | { kind: 'subsystem'; name: string }
  /** `ssh -L`, `-D`, `-W`: a connection from the device to `host:port`. */
  | { kind: 'direct-tcpip'; host: string; port: number }
  /** `ssh -R`. */
  | { kind: 'tcpip-forward'; host: string; port: number }
  | { kind: 'x11' }
  | { kind: 'auth-agent' };

type EvaluatedPolicy = Pick<ChannelPolicyDocument, 'name' | 'active' | 'priority' | 'username' | 'filter' | 'channels'>;

/**
 * The policy that governs a connection: active policies in ascending priority, the first whose login pattern and
 * device filter cover it. None means every channel is allowed, as before policies existed; a namespace that wants
 * deny-by-default adds a last policy covering every device (hostname `.*`) that allows little.
 */
export function governingChannelPolicy<Policy extends EvaluatedPolicy>(
  policies: readonly Policy[],
  connection: { username: string; device: { name: string; tags: string[] } },
): Policy | null {
  const ordered = policies.filter((policy) => policy.active).sort((left, right) => left.priority - right.priority);
  return ordered.find((policy) => patternMatches(policy.username, connection.username) && coversDevice(policy.filter, connection.device)) ?? null;
}

function coversDevice(filter: EvaluatedPolicy['filter'], device: { name: string; tags: string[] }): boolean {
  if (filter.hostname !== undefined) return patternMatches(filter.hostname, device.name);
  // No tag covers no device (docs/adr/0006-empty-tag-filters.md).
  return (filter.tags ?? []).some((tag) => device.tags.includes(tag));
}

/** `scp -t`/`scp -f` (the legacy protocol, `scp -O`); OpenSSH 9's default scp speaks SFTP and is an sftp subsystem. */
export function isScpCommand(command: string): boolean {
  return /^\s*(?:\S*\/)?scp\s+(?:.*\s)?-[a-zA-Z]*[tf]/.test(command);
}

/** Whether a whole exec command matches a pattern of the allow-list: anchored, so `ls` does not allow `ls; rm -rf /`. */
export function execCommandAllowed(patterns: readonly string[], command: string): boolean {
  if (patterns.length === 0) return true;
  return patterns.some((pattern) => SafePattern.problemWith(pattern) === null && (SafePattern.forEvaluation(`^(?:${pattern})$`)?.matches(command) ?? false));
}

/** Whether `host:port` is one of the destinations; an empty list allows every destination. */
export function destinationAllowed(destinations: readonly ForwardingAddress[], host: string, port: number): boolean {
  if (destinations.length === 0) return true;
  const address = host.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(address);
  return destinations.some((destination) => {
    if (destination.port !== undefined && destination.port !== port) return false;
    if (destination.selection === 'address') {
      const listed = destination.value.toLowerCase();
      if (family === 0 || isIP(listed) === 0) return listed === address.toLowerCase();
      const list = new BlockList();
      list.addAddress(listed, isIP(listed) === 6 ? 'ipv6' : 'ipv4');
      return list.check(address, family === 6 ? 'ipv6' : 'ipv4');
    }
    if (family === 0) return false;
    const network = parseNetwork(destination.value);
    if (!network) return false;
    const list = new BlockList();
    list.addSubnet(network.address, network.prefix, network.family);
    return list.check(address, family === 6 ? 'ipv6' : 'ipv4');
  });
}

/** `a.b.c.d/n` or `x::y/n`, or null. */
export function parseNetwork(value: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(value.trim());
  if (!match) return null;
  const version = isIP(match[1]);
  const prefix = Number(match[2]);
  if (version === 0 || prefix > (version === 4 ? 32 : 128)) return null;
  return { address: match[1], prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/**
 * Whether the governing policy lets the person open `request`, with words for the person when it does not. The
 * reason names the policy, so a member who is refused knows which one to ask about.
 */
export function channelVerdict(policy: Pick<ChannelPolicyDocument, 'name' | 'channels'> | null, request: ChannelRequest): AccessVerdict {
  if (!policy) return { allowed: true };
  const refused = (what: string): AccessVerdict => ({ allowed: false, reason: `${what} is not allowed by channel policy "${policy.name}".` });
  const channels: ChannelPermissions = policy.channels;
  switch (request.kind) {
    case 'shell':
      return channels.shell ? { allowed: true } : refused('An interactive shell');
    case 'exec':
      if (isScpCommand(request.command)) return channels.scp ? { allowed: true } : refused('scp');
      if (!channels.exec) return refused('Running commands');
      return execCommandAllowed(channels.exec_commands, request.command) ? { allowed: true } : refused(`The command "${request.command.slice(0, 80)}"`);
    case 'subsystem':
      if (request.name === 'sftp') return channels.sftp ? { allowed: true } : refused('sftp');
      if (!channels.subsystem) return refused(`The ${request.name.slice(0, 40)} subsystem`);
      return channels.subsystem_names.length === 0 || channels.subsystem_names.includes(request.name)
        ? { allowed: true }
        : refused(`The ${request.name.slice(0, 40)} subsystem`);
    case 'direct-tcpip':
      if (!channels.local_forwarding) return refused('Port forwarding');
      return destinationAllowed(channels.local_forwarding_destinations, request.host, request.port)
        ? { allowed: true }
        : refused(`Forwarding to ${request.host.slice(0, 80)}:${request.port}`);
    case 'tcpip-forward':
      return channels.remote_forwarding ? { allowed: true } : refused('Remote port forwarding');
    case 'x11':
      return channels.x11_forwarding ? { allowed: true } : refused('X11 forwarding');
    case 'auth-agent':
      return channels.agent_forwarding ? { allowed: true } : refused('Agent forwarding');
  }
}
