import { Injectable } from '@nestjs/common';
import {
  isDuplicateKeyError,
  type Page,
  type PageRequest,
  pageWindow,
  type PublicKeyDocument,
  type PublicKeyFilter,
  PublicKeysRepository,
  type TenantScope,
} from '@fleetgate/data-access';
import { AppException } from '@fleetgate/errors';
import { SafePattern } from '@fleetgate/patterns';
import { parseAuthorizedKey } from './authorized-key';

export interface PublicKeyCreateRequest {
  /** Base64 of an OpenSSH public key line. */
  data: string;
  /** Exactly one of the two. */
  filter: { hostname?: string; tags?: string[] };
  name: string;
  /** Regular expression for the device login name; empty allows any. */
  username: string;
}

/** A public key as the API returns it (ShellHub's `PublicKey` schema). */
export interface PublicKeyView {
  data: string;
  fingerprint: string;
  created_at: Date;
  tenant_id: string;
  name: string;
  filter: PublicKeyFilter;
  username: string;
}

@Injectable()
export class PublicKeysService {
  constructor(private readonly publicKeys: PublicKeysRepository) {}

  /** `createdBy`: the registering user's id, whom gateway MFA asks for the second factor. */
  async create(scope: TenantScope, request: PublicKeyCreateRequest, createdBy?: string): Promise<PublicKeyView> {
    const { data, fingerprint } = parseAuthorizedKey(request.data);
    assertPattern(request.username, 'username');
    const filter = validFilter(request.filter);
    try {
      return toPublicKeyView(
        await this.publicKeys.create(scope, {
          data,
          fingerprint,
          filter,
          name: request.name,
          username: request.username,
          ...(createdBy ? { created_by: createdBy } : {}),
        }),
      );
    } catch (error) {
      if (isDuplicateKeyError(error)) {
        throw AppException.conflict(
          `a public key with fingerprint ${fingerprint} already exists in this namespace`,
        );
      }
      throw error;
    }
  }

  async list(scope: TenantScope, page: PageRequest): Promise<Page<PublicKeyView>> {
    const [total, keys] = await Promise.all([
      this.publicKeys.count(scope, {}),
      this.publicKeys.find(scope, {}, { sort: { created_at: -1, fingerprint: 1 }, ...pageWindow(page) }),
    ]);
    return { items: keys.map(toPublicKeyView), total };
  }

  /** Changes a key's name, username pattern and device filter; patterns are checked as on creation. */
  async update(
    scope: TenantScope,
    fingerprint: string,
    change: Pick<PublicKeyCreateRequest, 'name' | 'username' | 'filter'>,
  ): Promise<PublicKeyView> {
    assertPattern(change.username, 'username');
    const updated = await this.publicKeys.updateOne(
      scope,
      { fingerprint: String(fingerprint) },
      { $set: { name: change.name, username: change.username, filter: validFilter(change.filter) } },
    );
    if (!updated) throw AppException.notFound('public key');
    return toPublicKeyView(updated);
  }

  async delete(scope: TenantScope, fingerprint: string): Promise<void> {
    if (!(await this.publicKeys.deleteOne(scope, { fingerprint: String(fingerprint) }))) throw AppException.notFound('public key');
  }

  /** The key registered under this fingerprint in the tenant, for the SSH gateway to evaluate with `publicKeyAllows`. */
  findForTenantByFingerprint(scope: TenantScope, fingerprint: string): Promise<PublicKeyDocument | null> {
    return this.publicKeys.findOne(scope, { fingerprint: String(fingerprint) });
  }
}

function validFilter(filter: PublicKeyCreateRequest['filter']): PublicKeyFilter {
  const { hostname, tags } = filter;
  if ((hostname === undefined) === (tags === undefined)) {
    throw AppException.validation('filter must have either hostname or tags');
  }
  if (hostname !== undefined) {
    assertPattern(hostname, 'filter.hostname');
    return { hostname };
  }
  const distinct = [...new Set(tags)];
  // An empty tag list would match no device (docs/adr/0006-empty-tag-filters.md); say so rather than store a dead key.
  if (distinct.length === 0) throw AppException.validation('filter.tags must name at least one tag; use hostname ".*" for every device');
  return { tags: distinct };
}

/** Refuses at write time any pattern RE2 cannot compile (the evaluation engine); empty means "anything". */
function assertPattern(pattern: string, field: string): void {
  if (pattern !== '') SafePattern.compile(pattern, field);
}

function toPublicKeyView(key: PublicKeyDocument): PublicKeyView {
  return {
    data: key.data,
    fingerprint: key.fingerprint,
    // Stored keys always have one (schema timestamps); the type leaves it optional for documents being created.
    created_at: key.created_at ?? new Date(0),
    tenant_id: key.tenant_id,
    name: key.name,
    filter:
      key.filter.hostname !== undefined ? { hostname: key.filter.hostname } : { tags: key.filter.tags ?? [] },
    username: key.username,
  };
}
