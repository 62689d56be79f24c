import {
  describeChannels,
  destinationsProblem,
  newPolicyValues,
  parseDestination,
  policyRequest,
  policyValues,
  type ChannelPolicy,
} from './channel-policy-values';

describe('forwarding destinations', () => {
  it('reads addresses, host names and networks, with or without a port', () => {
    expect(parseDestination('10.0.0.0/8')).toEqual({ selection: 'network', value: '10.0.0.0/8' });
    expect(parseDestination('192.168.1.20:22')).toEqual({ selection: 'address', value: '192.168.1.20', port: 22 });
    expect(parseDestination('db.internal:5432')).toEqual({ selection: 'address', value: 'db.internal', port: 5432 });
    expect(parseDestination('[fd00::1]:22')).toEqual({ selection: 'address', value: 'fd00::1', port: 22 });
    expect(parseDestination('fd00::/8')).toEqual({ selection: 'network', value: 'fd00::/8' });
    expect(parseDestination('fd00::1')).toEqual({ selection: 'address', value: 'fd00::1' });
  });

  it('says which line is wrong', () => {
    expect(destinationsProblem('10.0.0.1\nhost:ssh')).toContain('"host:ssh"');
    expect(destinationsProblem('host:70000')).toContain('1 to 65535');
    expect(destinationsProblem('10.0.0.0/x')).toContain('address/prefix');
    expect(destinationsProblem('\n 10.0.0.1:22 \n')).toBeNull();
  });
});

describe('the policy form values', () => {
  const stored: ChannelPolicy = {
    id: '507f1f77bcf86cd799439011',
    tenant_id: 'tenant',
    name: 'operators',
    active: true,
    priority: 2,
    username: '^operator$',
    filter: { tags: ['kitchen'] },
    channels: {
      shell: false,
      exec: true,
      exec_commands: ['uptime', 'systemctl status [a-z-]{1,40}'],
      scp: false,
      sftp: false,
      subsystem: false,
      subsystem_names: [],
      local_forwarding: true,
      local_forwarding_destinations: [
        { selection: 'network', value: '10.0.0.0/8' },
        { selection: 'address', value: 'fd00::1', port: 22 },
      ],
      remote_forwarding: false,
      x11_forwarding: false,
      agent_forwarding: false,
    },
  };

  it('round-trips a stored policy, patterns with commas included', () => {
    const { id: _id, tenant_id: _tenant, ...request } = stored;
    expect(policyRequest(policyValues(stored))).toEqual(request);
  });

  it('starts a new policy allowing everything on every device', () => {
    const request = policyRequest({ ...newPolicyValues(5), name: ' all ' });
    expect(request).toMatchObject({ name: 'all', priority: 5, filter: { hostname: '.*' }, username: '' });
    expect(describeChannels(request.channels)).toBe('everything');
  });

  it('summarises what a policy allows', () => {
    expect(describeChannels(stored.channels)).toBe('exec (2 patterns), -L (2 destinations)');
  });
});
