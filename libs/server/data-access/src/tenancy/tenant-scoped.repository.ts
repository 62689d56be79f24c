import type { FilterQuery, Model, UpdateQuery } from 'mongoose';
import type { TenantScope } from './tenant-scope';

/** Every tenant-owned document carries the owning namespace's tenant id. */
export interface TenantOwned {
  tenant_id: string;
}

/** A filter on a tenant-owned collection; the tenant comes from the scope, so a filter may not name it. */
export type ScopedFilter<T> = FilterQuery<T> & { tenant_id?: never };

/** An update that cannot move a document to another tenant. */
export type ScopedUpdate<T> = UpdateQuery<T> & {
  tenant_id?: never;
  $set?: { tenant_id?: never };
  $unset?: { tenant_id?: never };
  $rename?: { tenant_id?: never };
};

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
  async updateOne(scope: TenantScope, filter: ScopedFilter<T>, update: ScopedUpdate<T>): Promise<T | null> {
    assertNoTenantKey(update);
    return this.model
      .findOneAndUpdate(this.scoped(scope, filter), update as UpdateQuery<T>, { new: true, runValidators: true })
      .lean<T>()
      .exec();
  }

  /** Updates every matching document of the tenant; returns how many matched. */
  async updateMany(scope: TenantScope, filter: ScopedFilter<T>, update: ScopedUpdate<T>): Promise<number> {
    assertNoTenantKey(update);
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

/** Refuses any object that names `tenant_id` at any depth, including inside $or/$and/$set. */
function assertNoTenantKey(value: unknown, depth = 0): void {
  if (depth > 16 || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) assertNoTenantKey(item, depth + 1);
    return;
  }
  for (const [key, nested] of Object.entries(value)) {
    if (key === 'tenant_id' || key.startsWith('tenant_id.')) {
      throw new Error('tenant_id comes from the TenantScope; a filter or update may not name it');
    }
    if (key.startsWith('$')) assertNoTenantKey(nested, depth + 1);
  }
}
