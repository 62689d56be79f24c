import type { ChannelPermissions } from '@fleetgate/data-access';
import { channelVerdict, destinationAllowed, execCommandAllowed, governingChannelPolicy, isScpCommand } from './channel-policy';

const everything: ChannelPermissions = {
  shell: true,
  exec: true,
  exec_commands: [],
  scp: true,
  sftp: true,
  subsystem: true,
  subsystem_names: [],
  local_forwarding: true,
  local_forwarding_destinations: [],
  remote_forwarding: true,
  x11_forwarding: true,
  agent_forwarding: true,
};

const policy = (overrides: Partial<ChannelPermissions>, name = 'ops') => ({ name, channels: { ...everything, ...overrides } });

describe('channel policies', () => {
  it('allows everything when no policy governs the connection', () => {
    expect(channelVerdict(null, { kind: 'shell' })).toEqual({ allowed: true });
    expect(channelVerdict(null, { kind: 'auth-agent' })).toEqual({ allowed: true });
  });

  it('matches exec commands whole, so an allowed command cannot carry another', () => {
    expect(execCommandAllowed(['uptime', 'systemctl status [a-z-]+'], 'uptime')).toBe(true);
    expect(execCommandAllowed(['uptime'], 'uptime; rm -rf /')).toBe(false);
    expect(execCommandAllowed(['systemctl status [a-z-]+'], 'systemctl status ssh')).toBe(true);
    expect(execCommandAllowed(['systemctl status [a-z-]+'], 'systemctl stop ssh')).toBe(false);
    // A stored pattern that does not compile allows nothing, and cannot break the anchors.
    expect(execCommandAllowed(['a)|(.*'], 'anything')).toBe(false);
    expect(execCommandAllowed([], 'anything')).toBe(true);
  });

  it('refuses a denied command naming the policy', () => {
    const verdict = channelVerdict(policy({ exec_commands: ['uptime'] }), { kind: 'exec', command: 'id' });
    expect(verdict).toEqual({ allowed: false, reason: 'The command "id" is not allowed by channel policy "ops".' });
  });

  it('tells legacy scp from other commands, and sftp from other subsystems', () => {
    expect(isScpCommand('scp -t /tmp/x')).toBe(true);
    expect(isScpCommand('scp -v -f /etc/hosts')).toBe(true);
    expect(isScpCommand('/usr/bin/scp -pt .')).toBe(true);
    expect(isScpCommand('echo scp -t')).toBe(false);
    const noTransfers = policy({ scp: false, sftp: false });
    expect(channelVerdict(noTransfers, { kind: 'exec', command: 'scp -t /tmp' })).toMatchObject({ allowed: false, reason: expect.stringMatching(/^scp is not allowed/) });
    expect(channelVerdict(noTransfers, { kind: 'subsystem', name: 'sftp' })).toMatchObject({ allowed: false, reason: expect.stringMatching(/^sftp is not allowed/) });
    expect(channelVerdict(noTransfers, { kind: 'exec', command: 'ls' })).toEqual({ allowed: true });
    expect(channelVerdict(policy({ subsystem_names: ['netconf'] }), { kind: 'subsystem', name: 'other' })).toMatchObject({ allowed: false });
  });

  it('limits forwarding to listed addresses, networks and ports', () => {
    const destinations = [
      { selection: 'address' as const, value: '127.0.0.1', port: 8080 },
      { selection: 'network' as const, value: '10.1.0.0/16' },
      { selection: 'address' as const, value: 'Printer.local' },
    ];
    expect(destinationAllowed(destinations, '127.0.0.1', 8080)).toBe(true);
    expect(destinationAllowed(destinations, '127.0.0.1', 22)).toBe(false);
    expect(destinationAllowed(destinations, '10.1.200.3', 22)).toBe(true);
    expect(destinationAllowed(destinations, '10.2.0.1', 22)).toBe(false);
    expect(destinationAllowed(destinations, 'printer.local', 631)).toBe(true);
    expect(destinationAllowed(destinations, 'localhost', 8080)).toBe(false);
    expect(channelVerdict(policy({ local_forwarding_destinations: destinations }), { kind: 'direct-tcpip', host: '10.2.0.1', port: 22 })).toEqual({
      allowed: false,
      reason: 'Forwarding to 10.2.0.1:22 is not allowed by channel policy "ops".',
    });
    expect(channelVerdict(policy({ local_forwarding: false }), { kind: 'direct-tcpip', host: '10.1.0.1', port: 22 })).toMatchObject({ allowed: false });
  });

  it('is decided by the first active policy, by priority, that covers the login and the device', () => {
    const device = { name: 'pi-1', tags: ['prod'] };
    const base = { active: true, username: '', filter: { hostname: '.*' }, channels: everything };
    const policies = [
      { ...base, name: 'everyone', priority: 9 },
      { ...base, name: 'root on prod', priority: 1, username: '^root$', filter: { tags: ['prod'] } },
      { ...base, name: 'inactive', priority: 0, active: false },
      { ...base, name: 'lab only', priority: 0, filter: { tags: ['lab'] } },
    ];
    expect(governingChannelPolicy(policies, { username: 'root', device })?.name).toBe('root on prod');
    expect(governingChannelPolicy(policies, { username: 'pi', device })?.name).toBe('everyone');
    expect(governingChannelPolicy(policies.slice(1), { username: 'pi', device })).toBeNull();
  });
});
