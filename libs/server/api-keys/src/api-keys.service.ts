import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  API_KEY_NEVER_EXPIRES,
  type ApiKeyDocument,
  ApiKeysRepository,
  apiKeyDigest,
  isDuplicateKeyError,
  type MemberRole,
  type Page,
  type PageRequest,
  pageWindow,
  type ScopedFilter,
  type TenantScope,
} from '@fleetgate/data-access';
import { AppException } from '@fleetgate/errors';
import { type AuthenticatedMember, Clock, lowerRole, roleHasAuthorityOver } from '@fleetgate/identity';
import { type FieldAllowList, parseListFilter, parseListSort } from '@fleetgate/listing';

/** `expires_at` of a create request: days until expiry, or -1 for never (ShellHub's enum). */
export const apiKeyLifetimes = [-1, 30, 60, 90, 365] as const;
export type ApiKeyLifetime = (typeof apiKeyLifetimes)[number];

export const API_KEY_NAME_PATTERN = /^\S{3,20}$/;
const UUID_V4_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/**
 * A client-chosen key must look like what randomUUID() makes: a v4 UUID whose 122 random bits are not a pattern
 * (00000000-0000-4000-8000-000000000000 is a valid v4 and a guessable key). Thirty random hex digits have fewer
 * than eight distinct values with a probability below 1e-8, so a real random key always passes.
 */
function isRandomUuidV4(key: string): boolean {
  if (!UUID_V4_PATTERN.test(key)) return false;
  return new Set(key.replace(/-/g, '').toLowerCase()).size >= 8;
}

/** The one answer to a key value that clashes: whose key it is, or where, is none of the caller's business. */
const KEY_CONFLICT = 'this key cannot be used; leave it out and the server generates one';

export interface ApiKeyCreateRequest {
  name: string;
  expires_at: ApiKeyLifetime;
  /** The secret itself, when the client chooses it; a UUID. */
  key?: string;
  /** Defaults to the creator's role (an owner's keys are administrators: no key is owner). */
  role?: MemberRole;
}

export interface ApiKeyUpdateRequest {
  name?: string;
  role?: MemberRole;
}

/** An API key as the API lists it: never the secret, which exists only in the create response. */
export interface ApiKeyView {
  tenant_id: string;
  created_by: string;
  role: MemberRole;
  name: string;
  /** Unix seconds, or -1 for never. */
  expires_in: number;
  created_at: Date;
  updated_at: Date;
}

/** The create response: the view plus the plaintext key in `id`, shown this once. */
export interface ApiKeyCreated extends ApiKeyView {
  id: string;
}

export const apiKeySortFields = ['name', 'role', 'expires_in', 'created_at', 'updated_at'] as const;

/** What a key list may be filtered and sorted by. */
const apiKeyListFields: FieldAllowList = {
  name: { path: 'name', type: 'string' },
  role: { path: 'role', type: 'string' },
  expires_in: { path: 'expires_in', type: 'number' },
  created_at: { path: 'created_at', type: 'date' },
  updated_at: { path: 'updated_at', type: 'date' },
};

export interface ApiKeyListQuery extends PageRequest {
  sortBy?: string;
  orderBy?: string;
  /** ShellHub's base64 filter. */
  filter?: string;
}

const SECONDS_PER_DAY = 86_400;

@Injectable()
export class ApiKeysService {
  constructor(
    private readonly apiKeys: ApiKeysRepository,
    private readonly clock: Clock,
  ) {}

  /** Creates a key in the caller's namespace that acts for the caller; answers the secret this one time. */
  async create(creator: AuthenticatedMember, request: ApiKeyCreateRequest): Promise<ApiKeyCreated> {
    assertName(request.name);
    // An owner's default would be owner, a role no key may hold; administrator is the most a key can be.
    const role = request.role ?? lowerRole(creator.role, 'administrator');
    assertMayGrant(creator, role);
    if (request.key !== undefined && !isRandomUuidV4(request.key)) {
      throw AppException.validation('key: must be a random UUID v4, or left out so that the server generates one');
    }
    // Kept exactly as given: the client will send it back byte for byte, and the digest is of those bytes.
    const plaintext = request.key ?? randomUUID();
    try {
      const created = await this.apiKeys.create(creator.scope, {
        key_digest: apiKeyDigest(plaintext),
        name: request.name,
        role,
        created_by: creator.userId,
        expires_in: this.expiryOf(request.expires_at),
      });
      return { id: plaintext, ...toApiKeyView(created) };
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      if (await this.apiKeys.findOne(creator.scope, { name: String(request.name) })) {
        throw AppException.conflict(`an API key named ${request.name} already exists in this namespace`);
      }
      // The digest index is global, so the key may be another namespace's: say nothing about it.
      throw AppException.conflict(KEY_CONFLICT);
    }
  }

  async list(scope: TenantScope, query: ApiKeyListQuery): Promise<Page<ApiKeyView>> {
    const predicate = parseListFilter(query.filter, apiKeyListFields);
    // The predicate names only allow-listed paths, never tenant_id; the repository adds the tenant.
    const filter = (predicate ?? {}) as ScopedFilter<ApiKeyDocument>;
    const sort = parseListSort(query.sortBy, query.orderBy, apiKeyListFields, {
      field: 'expires_in',
      order: 'desc',
      // Not `name`: sorting by name would then overwrite the requested direction with the tie-breaker's.
      tieBreaker: '_id',
    });
    const [total, keys] = await Promise.all([
      this.apiKeys.count(scope, filter),
      this.apiKeys.find(scope, filter, { sort, ...pageWindow(query) }),
    ]);
    return { items: keys.map(toApiKeyView), total };
  }

  /** Renames a key or changes its role; the new role may not exceed the caller's. */
  async update(caller: AuthenticatedMember, name: string, change: ApiKeyUpdateRequest): Promise<void> {
    const $set: Partial<Pick<ApiKeyDocument, 'name' | 'role'>> = {};
    if (change.name !== undefined) {
      assertName(change.name);
      $set.name = change.name;
    }
    if (change.role !== undefined) {
      assertMayGrant(caller, change.role);
      $set.role = change.role;
    }
    const filter = { name: String(name) };
    try {
      const updated =
        Object.keys($set).length === 0
          ? await this.apiKeys.findOne(caller.scope, filter)
          : await this.apiKeys.updateOne(caller.scope, filter, { $set });
      if (!updated) throw AppException.notFound('API key');
    } catch (error) {
      if (isDuplicateKeyError(error)) {
        throw AppException.conflict(`an API key named ${change.name} already exists in this namespace`);
      }
      throw error;
    }
  }

  /** Deletes a key; it stops working at once, since every request looks its key up afresh. */
  async delete(scope: TenantScope, name: string): Promise<void> {
    if (!(await this.apiKeys.deleteOne(scope, { name: String(name) })))
      throw AppException.notFound('API key');
  }

  /** Unix seconds of the expiry; 365 days means one calendar year, so a key made on 29 February ends on 1 March. */
  private expiryOf(days: ApiKeyLifetime): number {
    if (!(apiKeyLifetimes as readonly number[]).includes(days)) {
      throw AppException.validation(`expires_at: must be one of ${apiKeyLifetimes.join(', ')}`);
    }
    if (days === API_KEY_NEVER_EXPIRES) return API_KEY_NEVER_EXPIRES;
    const now = new Date(this.clock.now());
    if (days === 365) {
      const inOneYear = new Date(now);
      inOneYear.setUTCFullYear(now.getUTCFullYear() + 1);
      return Math.floor(inOneYear.getTime() / 1000);
    }
    return Math.floor(now.getTime() / 1000) + days * SECONDS_PER_DAY;
  }
}

function assertName(name: string): void {
  if (typeof name !== 'string' || !API_KEY_NAME_PATTERN.test(name)) {
    throw AppException.validation('name: must be 3 to 20 characters without whitespace');
  }
}

/** ShellHub's `HasAuthority`: a key's role is at most the caller's, and never owner. */
function assertMayGrant(caller: AuthenticatedMember, role: MemberRole): void {
  if (!roleHasAuthorityOver(caller.role, role)) {
    throw AppException.forbidden(`the ${caller.role} role may not give an API key the ${role} role`);
  }
}

function toApiKeyView(key: ApiKeyDocument): ApiKeyView {
  return {
    tenant_id: key.tenant_id,
    created_by: key.created_by,
    role: key.role,
    name: key.name,
    expires_in: key.expires_in,
    // Stored keys always have both (schema timestamps); the type leaves them optional for documents being created.
    created_at: key.created_at ?? new Date(0),
    updated_at: key.updated_at ?? key.created_at ?? new Date(0),
  };
}
