import { clientEntriesProblem, type GatewaySettings, riskyChanges, settingsRequest, settingsValues } from './gateway-settings-values';

const settings: GatewaySettings = {
  user_auth_banner: 'This connection is audited.',
  greeting: '',
  idle_session_timeout: 900,
  max_connections: 0,
  auth_max_attempts: 6,
  auto_block_max_auth_attempts: 10,
  auto_block_duration: 600,
  allowed_clients: ['10.0.0.0/8', '192.168.1.7'],
  blocked_clients: [],
  encryption_algorithms: [],
  key_exchange_algorithms: ['curve25519-sha256'],
  mac_algorithms: [],
  key_renegotiation_threshold: 0,
  strict_key_exchange: 'on',
  server_version: 'Fleetgate',
  log_level: 'info',
};

describe('gateway settings form values', () => {
  it('round-trips the stored settings, and reads lists written with commas too', () => {
    expect(settingsRequest(settingsValues(settings))).toEqual(settings);
    const values = { ...settingsValues(settings), blocked_clients: ' 203.0.113.7, 198.51.100.0/24\n\n' };
    expect(settingsRequest(values).blocked_clients).toEqual(['203.0.113.7', '198.51.100.0/24']);
  });

  it('points at an entry that is not an address or a network', () => {
    expect(clientEntriesProblem('10.0.0.0/8\nfd00::/8\n::1')).toBeNull();
    expect(clientEntriesProblem('10.0.0.0/8\n10.0.0.300')).toContain('"10.0.0.300"');
    expect(clientEntriesProblem('10.0.0.0/33')).toContain('10.0.0.0/33');
    expect(clientEntriesProblem('office')).toContain('"office"');
  });

  it('warns about the changes that can lock people out', () => {
    expect(riskyChanges(settings, settings)).toEqual([]);
    const stricter = { ...settings, strict_key_exchange: 'required' as const, mac_algorithms: ['hmac-sha2-256'] };
    expect(riskyChanges(settings, stricter)).toHaveLength(2);
    expect(riskyChanges(settings, { ...settings, allowed_clients: ['10.0.0.1'] })[0]).toContain('allowed client');
  });
});
