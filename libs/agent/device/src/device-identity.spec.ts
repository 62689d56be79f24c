import { detectDeviceIdentity, deviceNameOf, parseOsRelease, primaryMacAddress, shellHubArch } from './device-identity';

const address = (mac: string, internal = false) => ({
  address: '10.0.0.2',
  netmask: '255.255.255.0',
  family: 'IPv4' as const,
  mac,
  internal,
  cidr: '10.0.0.2/24',
});

describe('device identity', () => {
  it('takes the MAC of the first real interface by name, ignoring loopback', () => {
    expect(
      primaryMacAddress({
        wlan0: [address('aa:aa:aa:aa:aa:02')],
        lo: [address('00:00:00:00:00:00', true)],
        eth0: [address('aa:aa:aa:aa:aa:01')],
      }),
    ).toBe('aa:aa:aa:aa:aa:01');
    expect(primaryMacAddress({ lo: [address('00:00:00:00:00:00', true)] })).toBe('');
  });

  it('parses os-release', () => {
    expect(parseOsRelease('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n# comment\n')).toEqual({
      PRETTY_NAME: 'Debian GNU/Linux 12 (bookworm)',
      ID: 'debian',
    });
  });
});

describe('deviceNameOf', () => {
  it('keeps the first label of the host name, in the characters registration accepts', () => {
    expect(deviceNameOf('pi.local')).toBe('pi');
    expect(deviceNameOf('kitchen pi')).toBe('kitchen-pi');
    expect(deviceNameOf('')).toBe('device');
  });
});

describe('shellHubArch: info.arch as ShellHub names it', () => {
  it('uses Go’s names where Node’s differ', () => {
    expect(shellHubArch('x64', {})).toBe('amd64');
    expect(shellHubArch('arm64', {})).toBe('arm64');
    expect(shellHubArch('ia32', {})).toBe('i386');
    expect(shellHubArch('mipsel', {})).toBe('mipsle');
    expect(shellHubArch('riscv64', {})).toBe('riscv64');
  });

  it('names the ARM revision of a 32-bit build', () => {
    expect(shellHubArch('arm', { arm_version: '7', arm_float_abi: 'hard' })).toBe('armv7');
    expect(shellHubArch('arm', { arm_version: '6', arm_float_abi: 'hard' })).toBe('armv6');
    expect(shellHubArch('arm', { arm_version: 8 })).toBe('armv7');
    expect(shellHubArch('arm', { arm_float_abi: 'hard' })).toBe('armhf');
    expect(shellHubArch('arm', {})).toBe('arm');
  });

  it('is what the agent registers with', async () => {
    const identity = await detectDeviceIdentity('0.0.0-test');
    expect(identity.info.arch).toBe(shellHubArch());
    expect(identity.info.arch).not.toBe('x64');
  });
});
