import {
  type ApiKeyDocument,
  type ApiKeysRepository,
  apiKeyDigest,
  type NewDocument,
  type TenantScope,
  tenantScope,
} from '@fleetgate/data-access';
import type { AuthenticatedMember, Clock } from '@fleetgate/identity';
import { type ApiKeyLifetime, ApiKeysService } from './api-keys.service';

/** The service with a repository that records what it is asked to store, and a fixed clock. */
function serviceAt(isoTime: string) {
  const stored: Array<NewDocument<ApiKeyDocument>> = [];
  const repository = {
    create: jest.fn(async (scope: TenantScope, document: NewDocument<ApiKeyDocument>) => {
      stored.push(document);
      return {
        ...document,
        tenant_id: scope.tenantId,
        created_at: new Date(isoTime),
        updated_at: new Date(isoTime),
      };
    }),
  } as unknown as ApiKeysRepository;
  const clock = { now: () => Date.parse(isoTime) } as Clock;
  return { service: new ApiKeysService(repository, clock), stored };
}

const creator = (role: AuthenticatedMember['role']): AuthenticatedMember => ({
  userId: 'user-1',
  username: 'alice',
  role,
  scope: tenantScope('aaaaaaaa-0000-4000-8000-000000000001'),
});

const seconds = (iso: string) => Date.parse(iso) / 1000;

describe('ApiKeysService.create', () => {
  it.each([
    ['the all-zero UUID', '00000000-0000-0000-0000-000000000000'],
    ['a v4-shaped pattern', '00000000-0000-4000-8000-000000000000'],
    ['a v1 UUID', 'c232ab00-9414-11ec-b3c8-9f68deced846'],
    ['a repeated digit', 'aaaaaaaa-aaaa-4aaa-aaaa-aaaaaaaaaaaa'],
  ])('refuses a client-chosen key that is not a random UUID v4: %s', async (_case, key) => {
    const { service, stored } = serviceAt('2027-01-01T00:00:00Z');
    await expect(service.create(creator('owner'), { name: 'ci-key', expires_at: 30, key })).rejects.toMatchObject({
      code: 'validation_failed',
      message: expect.stringContaining('random UUID v4'),
    });
    expect(stored).toEqual([]);
  });


  it.each<[ApiKeyLifetime, string, string | -1]>([
    [30, '2028-01-31T12:00:00Z', '2028-03-01T12:00:00Z'],
    [60, '2027-01-01T00:00:00Z', '2027-03-02T00:00:00Z'],
    [90, '2027-01-01T00:00:00Z', '2027-04-01T00:00:00Z'],
    // One calendar year, not 365 days: the first spans 29 February 2028 and is 366 days long.
    [365, '2027-03-01T08:30:00Z', '2028-03-01T08:30:00Z'],
    [365, '2028-03-01T08:30:00Z', '2029-03-01T08:30:00Z'],
    [365, '2027-06-15T00:00:00Z', '2028-06-15T00:00:00Z'],
    [-1, '2027-06-15T00:00:00Z', -1],
  ])('expires %i days from %s at %s', async (days, now, expected) => {
    const { service } = serviceAt(now);
    const created = await service.create(creator('administrator'), { name: 'ci-key', expires_at: days });
    expect(created.expires_in).toBe(expected === -1 ? -1 : seconds(expected));
  });

  it('stores only the digest of the key and answers the plaintext once', async () => {
    const { service, stored } = serviceAt('2027-01-01T00:00:00Z');
    const key = 'c629572a-b643-4301-90fe-4572b00d007e';
    const created = await service.create(creator('owner'), { name: 'ci-key', expires_at: 30, key });
    expect(created.id).toBe(key);
    expect(stored).toEqual([
      expect.objectContaining({ key_digest: apiKeyDigest(key), created_by: 'user-1' }),
    ]);
    expect(JSON.stringify(stored)).not.toContain(key);
  });

  it('defaults to the creator’s role, capped at administrator for an owner', async () => {
    const { service } = serviceAt('2027-01-01T00:00:00Z');
    expect((await service.create(creator('owner'), { name: 'a-key', expires_at: 30 })).role).toBe(
      'administrator',
    );
    expect((await service.create(creator('administrator'), { name: 'b-key', expires_at: 30 })).role).toBe(
      'administrator',
    );
  });

  it('refuses a role above the creator’s or owner, a bad name, lifetime or key', async () => {
    const { service, stored } = serviceAt('2027-01-01T00:00:00Z');
    const admin = creator('administrator');
    await expect(
      service.create(admin, { name: 'a-key', expires_at: 30, role: 'owner' }),
    ).rejects.toMatchObject({
      code: expect.stringMatching(/forbidden/i),
    });
    await expect(
      service.create(creator('operator'), { name: 'a-key', expires_at: 30, role: 'administrator' }),
    ).rejects.toThrow(/may not give/);
    await expect(service.create(admin, { name: 'a key', expires_at: 30 })).rejects.toThrow(/name/);
    await expect(service.create(admin, { name: 'a-key', expires_at: 7 as ApiKeyLifetime })).rejects.toThrow(
      /expires_at/,
    );
    await expect(service.create(admin, { name: 'a-key', expires_at: 30, key: 'not-a-uuid' })).rejects.toThrow(
      /key/,
    );
    expect(stored).toEqual([]);
  });
});
