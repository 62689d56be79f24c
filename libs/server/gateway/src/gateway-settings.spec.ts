import { AppException } from '@fleetgate/errors';
import { assertValidGatewaySettings, ClientAddressRules, defaultGatewaySettings, SUPPORTED_ALGORITHMS } from './gateway-settings';

describe('gateway settings', () => {
  const defaults = defaultGatewaySettings({ maxAuthAttempts: 6 });

  it('accepts the defaults and the algorithms ssh2 implements', () => {
    expect(() => assertValidGatewaySettings(defaults)).not.toThrow();
    expect(() =>
      assertValidGatewaySettings({ ...defaults, encryption_algorithms: [SUPPORTED_ALGORITHMS.encryption_algorithms[0]], key_exchange_algorithms: ['curve25519-sha256'] }),
    ).not.toThrow();
  });

  it('refuses an unknown algorithm with a 400 that lists the supported ones', () => {
    let error: unknown;
    try {
      assertValidGatewaySettings({ ...defaults, mac_algorithms: ['hmac-rot13', 'hmac-sha2-256'] });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AppException);
    const message = (error as AppException).message;
    expect(message).toMatch(/mac_algorithms: unsupported: hmac-rot13; supported: .*hmac-sha2-256/);
  });

  it('refuses client entries that are not addresses or networks, and a version string with spaces', () => {
    expect(() => assertValidGatewaySettings({ ...defaults, blocked_clients: ['10.0.0.0/40'] })).toThrow(/blocked_clients/);
    expect(() => assertValidGatewaySettings({ ...defaults, allowed_clients: ['example.com'] })).toThrow(/allowed_clients/);
    expect(() => assertValidGatewaySettings({ ...defaults, server_version: 'Open SSH' })).toThrow(/server_version/);
  });

  it('refuses blocked addresses and, with an allow-list, every address not on it', () => {
    const rules = new ClientAddressRules({ allowed_clients: ['10.0.0.0/8', '127.0.0.1'], blocked_clients: ['10.9.0.0/16'] });
    expect(rules.refusal('127.0.0.1')).toBeNull();
    expect(rules.refusal('::ffff:10.1.2.3')).toBeNull();
    expect(rules.refusal('10.9.1.1')).toBe('the client address is blocked');
    expect(rules.refusal('192.0.2.1')).toBe('the client address is not among the allowed clients');
    expect(new ClientAddressRules({ allowed_clients: [], blocked_clients: [] }).refusal('192.0.2.1')).toBeNull();
  });
});
