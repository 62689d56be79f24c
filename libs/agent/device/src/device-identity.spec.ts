import { deviceNameOf, parseOsRelease, primaryMacAddress } from './device-identity';

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
