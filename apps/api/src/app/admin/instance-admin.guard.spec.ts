import { allowedClientList, isAllowedClient } from './instance-admin.guard';

describe('allowed admin client addresses', () => {
  const list = allowedClientList(['127.0.0.1/32', '10.20.0.0/16', '2001:db8::/32']);

  it('matches IPv4 and IPv6 clients against their networks', () => {
    expect(isAllowedClient(list, '127.0.0.1')).toBe(true);
    expect(isAllowedClient(list, '10.20.3.4')).toBe(true);
    expect(isAllowedClient(list, '10.21.0.1')).toBe(false);
    expect(isAllowedClient(list, '2001:db8::1')).toBe(true);
    expect(isAllowedClient(list, '2001:db9::1')).toBe(false);
  });

  it('reads an IPv4 client of a dual-stack listener, and refuses what is not an address', () => {
    expect(isAllowedClient(list, '::ffff:10.20.0.9')).toBe(true);
    expect(isAllowedClient(list, '::ffff:192.0.2.1')).toBe(false);
    expect(isAllowedClient(list, '')).toBe(false);
    expect(isAllowedClient(list, 'localhost')).toBe(false);
  });

  it('allows nobody when no network is configured', () => {
    expect(isAllowedClient(allowedClientList([]), '127.0.0.1')).toBe(false);
  });
});
