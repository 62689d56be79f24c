import type { FilterQuery, Model, UpdateQuery } from 'mongoose';
import type { TenantScope } from './tenant-scope';

/** Every tenant-owned document carries the owning namespace's tenant id. */
export interface TenantOwned {
  tenant_id: string;
}

/** A filter on a tenant-owned collection; the tenant comes from the scope, so a filter may not name it. */
export type ScopedFilter<T> = FilterQuery<T> & { tenant_id?: never };

/** `tenant_id` itself, or a path inside it. */
type TenantPath = 'tenant_id' | `tenant_id.${string}`;

/** An update that cannot move a document to another tenant. */
export type ScopedUpdate<T> = UpdateQuery<T> & {
  tenant_id?: never;
  $set?: { tenant_id?: never };
  $unset?: { tenant_id?: never };
  $rename?: { tenant_id?: never };
};

type RenamePaths<U> = U extends { $rename?: infer R } ? (R extends object ? keyof R | R[keyof R] : never) : never;

/**
 * Makes `$rename: { other_field: 'tenant_id' }` (into the tenant) and `{ 'tenant_id.x': … }` (out of it) compile
 * errors; the key check alone let a rename into tenant_id through, which rewrites the owner to any value. The update
 * methods take `const U` so that a literal target stays 'tenant_id' instead of widening to string.
 */
export type RenameKeepsTenant<U> = [Extract<RenamePaths<U>, TenantPath>] extends [never] ? unknown : { $rename: never };

export type NewDocument<T extends TenantOwned> = Omit<T, 'tenant_id'>;

export interface FindOptions<T> {
  sort?: Partial<Record<keyof T & string, 1 | -1>>;
  skip?: number;
  limit?: number;
}

/**
 * Base of every repository over tenant-owned documents. Each method takes the TenantScope first and adds
 * `tenant_id` itself; filters and updates that try to name or change the tenant are refused at run time too,
 * for callers that cast their way past the types.
 */
export abstract class TenantScopedRepository<T extends TenantOwned> {
  protected constructor(protected readonly model: Model<T>) {}

  async findOne(scope: TenantScope, filter: ScopedFilter<T>): Promise<T | null> {
    return this.model.findOne(this.scoped(scope, filter)).lean<T>().exec();
  }

  async find(scope: TenantScope, filter: ScopedFilter<T>, options: FindOptions<T> = {}): Promise<T[]> {
    let query = this.model.find(this.scoped(scope, filter));
    if (options.sort) query = query.sort(options.sort as Record<string, 1 | -1>);
    if (options.skip) query = query.skip(options.skip);
    if (options.limit) query = query.limit(options.limit);
    return query.lean<T[]>().exec();
  }

  async count(scope: TenantScope, filter: ScopedFilter<T>): Promise<number> {
    return this.model.countDocuments(this.scoped(scope, filter)).exec();
  }

  async create(scope: TenantScope, document: NewDocument<T>): Promise<T> {
    assertNoTenantKey(document);
    const created = await this.model.create({ ...document, tenant_id: scope.tenantId });
    return created.toObject() as T;
  }

  /** Returns the updated document, or null when no document of this tenant matched. */
  async updateOne<const U extends ScopedUpdate<T>>(
    scope: TenantScope,
    filter: ScopedFilter<T>,
    update: U & RenameKeepsTenant<U>,
  ): Promise<T | null> {
    assertUpdateDocument(update);
    return this.model
      .findOneAndUpdate(this.scoped(scope, filter), update as UpdateQuery<T>, { new: true, runValidators: true })
      .lean<T>()
      .exec();
  }

  /** Updates every matching document of the tenant; returns how many matched. */
  async updateMany<const U extends ScopedUpdate<T>>(
    scope: TenantScope,
    filter: ScopedFilter<T>,
    update: U & RenameKeepsTenant<U>,
  ): Promise<number> {
    assertUpdateDocument(update);
    const result = await this.model.updateMany(this.scoped(scope, filter), update as UpdateQuery<T>).exec();
    return result.matchedCount;
  }

  /** Returns whether a document of this tenant was deleted. */
  async deleteOne(scope: TenantScope, filter: ScopedFilter<T>): Promise<boolean> {
    const result = await this.model.deleteOne(this.scoped(scope, filter)).exec();
    return result.deletedCount === 1;
  }

  /** Deletes every matching document of the tenant; returns how many. */
  async deleteMany(scope: TenantScope, filter: ScopedFilter<T>): Promise<number> {
    const result = await this.model.deleteMany(this.scoped(scope, filter)).exec();
    return result.deletedCount;
  }

  /**
   * Unscoped on purpose: the worker's orphan sweep looks for tenants whose namespace no longer exists. It returns
   * tenant ids only, never a document.
   */
  async tenantIdsUnscoped(): Promise<string[]> {
    const tenantIds: unknown[] = await this.model.distinct('tenant_id').exec();
    return tenantIds.filter((tenantId): tenantId is string => typeof tenantId === 'string');
  }

  private scoped(scope: TenantScope, filter: ScopedFilter<T>): FilterQuery<T> {
    assertNoTenantKey(filter);
    return { ...filter, tenant_id: scope.tenantId } as FilterQuery<T>;
  }
}

/**
 * An aggregation-pipeline update can drop or rebuild tenant_id without naming it as a key (`$unset: 'tenant_id'`,
 * `$replaceWith`), and FerretDB 1.24 does not run them anyway: only update documents are accepted.
 */
function assertUpdateDocument(update: unknown): void {
  if (Array.isArray(update)) throw new Error('a tenant-scoped update must be an update document, not a pipeline');
  assertNoTenantKey(update);
}

const tenantMessage = 'tenant_id comes from the TenantScope; a filter or update may not name it';

function isTenantPath(path: string): boolean {
  return path === 'tenant_id' || path.startsWith('tenant_id.');
}

/**
 * Refuses any filter, update or new document that names `tenant_id` anywhere in it: as a key at any depth (inside
 * $or, $set, nested documents), or as the source or target of a `$rename`. It walks the whole value with no depth
 * limit, so nothing hides below a cut-off, and without recursion, so a deep value cannot overflow the stack.
 */
function assertNoTenantKey(value: unknown): void {
  const seen = new Set<object>();
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const current = pending.pop();
    if (current === null || typeof current !== 'object' || seen.has(current)) continue;
    seen.add(current);
    if (Array.isArray(current)) {
      for (const item of current) pending.push(item);
      continue;
    }
    if (isBsonScalar(current)) continue;
    for (const [key, nested] of Object.entries(current)) {
      if (isTenantPath(key)) throw new Error(tenantMessage);
      if (key === '$rename' && nested !== null && typeof nested === 'object') {
        for (const target of Object.values(nested)) {
          if (typeof target === 'string' && isTenantPath(target)) throw new Error(tenantMessage);
        }
      }
      pending.push(nested);
    }
  }
}

/** Values the driver sends as single BSON values (ObjectId, Decimal128, Date, RegExp, Buffer): no keys to check. */
function isBsonScalar(value: object): boolean {
  return value instanceof Date || value instanceof RegExp || ArrayBuffer.isView(value) || '_bsontype' in value;
}
