import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { FilterQuery, Model } from 'mongoose';
import { NAMESPACE_MODEL, type NamespaceDocument } from '../schemas/namespace.schema';
import { TenantScopedRepository } from '../tenancy/tenant-scoped.repository';

/** A namespace is scoped by its own tenant id: a caller reads only the namespace it resolved. */
@Injectable()
export class NamespacesRepository extends TenantScopedRepository<NamespaceDocument> {
  constructor(@InjectModel(NAMESPACE_MODEL) model: Model<NamespaceDocument>) {
    super(model);
  }

  /**
   * Unscoped on purpose: the SSH gateway resolves `user@namespace.device` before any tenant is known.
   * The caller must still authorise the person against the namespace it gets back.
   */
  async findByNameUnscoped(name: string): Promise<NamespaceDocument | null> {
    return this.model.findOne({ name: String(name).toLowerCase() }).lean<NamespaceDocument>().exec();
  }

  /**
   * Unscoped on purpose: `max_namespaces` limits how many namespaces a user owns, across tenants. It counts only
   * namespaces whose owner is that user.
   */
  async countOwnedByUnscoped(userId: string): Promise<number> {
    return this.model.countDocuments({ owner: String(userId) }).exec();
  }

  /**
   * Unscoped on purpose: a user's namespace list spans the tenants they belong to. The caller passes only tenant
   * ids of the user's own accepted memberships. Name order, with the tenant id breaking ties.
   */
  async pageOfTenantsUnscoped(
    tenantIds: readonly string[],
    /** A predicate from the list filter (allow-listed paths only), ANDed with the tenants. */
    options: { predicate: Record<string, unknown> | null; skip: number; limit: number },
  ): Promise<{ items: NamespaceDocument[]; total: number }> {
    const tenants: FilterQuery<NamespaceDocument> = { tenant_id: { $in: tenantIds.map(String) } };
    const filter: FilterQuery<NamespaceDocument> = options.predicate ? { $and: [tenants, options.predicate] } : tenants;
    const [items, total] = await Promise.all([
      this.model
        .find(filter)
        .sort({ name: 1, tenant_id: 1 })
        .skip(options.skip)
        .limit(options.limit)
        .lean<NamespaceDocument[]>()
        .exec(),
      this.model.countDocuments(filter).exec(),
    ]);
    return { items, total };
  }

  /**
   * Unscoped on purpose: a Stripe webhook event names a customer, not a tenant; the event's verified signature is
   * what authorises the change. The customer id was stored by the namespace's own owner (POST /api/billing/customer).
   */
  async findByStripeCustomerUnscoped(customerId: string): Promise<NamespaceDocument | null> {
    return this.model.findOne({ 'billing.customer_id': String(customerId) }).lean<NamespaceDocument>().exec();
  }
}
