import { deviceUid } from './device-uid';

// Expected values computed outside this code, with coreutils over the exact structhash dump:
//   printf '{Identity:{MAC:"aa:bb:cc:dd:ee:ff"},PublicKey:"-----BEGIN RSA PUBLIC KEY-----\nMIIBCgKCAQEAtest\n-----END RSA PUBLIC KEY-----\n",TenantID:"3dd0d1f8-8246-4519-b11a-a3dd33717f65"}' | sha256sum
//   printf '{Identity:<invalid Value>,PublicKey:"pk",TenantID:"3dd0d1f8-8246-4519-b11a-a3dd33717f65"}' | sha256sum
describe('deviceUid', () => {
  const tenantId = '3dd0d1f8-8246-4519-b11a-a3dd33717f65';

  it('hashes the structhash dump of identity, public key and tenant exactly as ShellHub does', () => {
    const publicKey = '-----BEGIN RSA PUBLIC KEY-----\nMIIBCgKCAQEAtest\n-----END RSA PUBLIC KEY-----\n';
    expect(deviceUid({ identity: { mac: 'aa:bb:cc:dd:ee:ff' }, publicKey, tenantId })).toBe(
      '1aa92afd1e3302f99494c1ea867daefed0c10a9b89ad07637d657ef0207b8f34',
    );
  });

  it('writes a missing identity as Go does for a nil pointer', () => {
    expect(deviceUid({ publicKey: 'pk', tenantId })).toBe(
      '6d628502f1d88a2fb6b5c3384458bff11c70f55a7a6280ed76e064c273bcbfe5',
    );
  });

  it('changes with each input, and is 64 lower-case hex digits', () => {
    const base = { identity: { mac: 'aa:bb:cc:dd:ee:ff' }, publicKey: 'pk', tenantId };
    const uid = deviceUid(base);
    expect(uid).toMatch(/^[0-9a-f]{64}$/);
    expect(deviceUid({ ...base, identity: { mac: 'aa:bb:cc:dd:ee:00' } })).not.toBe(uid);
    expect(deviceUid({ ...base, publicKey: 'other' })).not.toBe(uid);
    expect(deviceUid({ ...base, tenantId: '00000000-0000-4000-8000-000000000000' })).not.toBe(uid);
    expect(deviceUid({ ...base, identity: { mac: '' } })).not.toBe(deviceUid({ publicKey: 'pk', tenantId }));
  });
});
