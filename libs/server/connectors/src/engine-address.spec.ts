import { classifyAddress, isDialableEngineAddress, resolveEngineAddress } from './engine-address';

// Only the check itself runs here, on literal addresses: nothing is dialled.
describe('connector engine addresses', () => {
  it.each([
    ['198.18.0.1', 'benchmarking 198.18.0.0/15'],
    ['198.19.255.254', 'benchmarking 198.18.0.0/15'],
    ['192.0.0.8', 'IETF protocol assignments 192.0.0.0/24'],
    ['192.0.2.10', 'TEST-NET-1'],
    ['198.51.100.7', 'TEST-NET-2'],
    ['203.0.113.99', 'TEST-NET-3'],
    ['224.0.0.251', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['64:ff9b::a00:1', 'NAT64 of 10.0.0.1'],
    ['64:ff9b::808:808', 'NAT64 of a public address'],
    ['::10.0.0.1', 'IPv4-compatible IPv6'],
    ['::8.8.8.8', 'IPv4-compatible IPv6'],
    ['ff02::1', 'IPv6 multicast'],
    ['2001:db8::1', 'IPv6 documentation'],
    ['2002:a00:1::1', '6to4'],
    ['::ffff:198.18.0.1', 'IPv4-mapped benchmarking'],
    ['100::1', 'discard-only'],
  ])('refuses %s (%s), even where private networks are allowed', (ip) => {
    expect(classifyAddress(ip)).toBe('special');
    expect(isDialableEngineAddress(ip, true)).toBe(false);
    expect(isDialableEngineAddress(ip, false)).toBe(false);
  });

  it.each(['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:7f00:1'])(
    'refuses the platform’s own network (%s) unless the deployment allows private addresses',
    (ip) => {
      expect(classifyAddress(ip)).toBe('internal');
      expect(isDialableEngineAddress(ip, false)).toBe(false);
      expect(isDialableEngineAddress(ip, true)).toBe(true);
    },
  );

  it.each(['8.8.8.8', '1.1.1.1', '198.17.255.255', '198.20.0.0', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    'allows the globally routable unicast address %s',
    (ip) => {
      expect(classifyAddress(ip)).toBe('global');
      expect(isDialableEngineAddress(ip, false)).toBe(true);
    },
  );

  it('refuses a special-purpose address with a 4xx that says why', async () => {
    await expect(resolveEngineAddress('198.18.0.1', true)).rejects.toMatchObject({
      code: 'validation_failed',
      message: expect.stringMatching(/not a globally routable unicast address/),
    });
  });
});
