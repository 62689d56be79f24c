import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { MEMBERSHIP_MODEL, type MembershipDocument } from '../schemas/membership.schema';
import { TenantScopedRepository } from '../tenancy/tenant-scoped.repository';

@Injectable()
export class MembershipsRepository extends TenantScopedRepository<MembershipDocument> {
  constructor(@InjectModel(MEMBERSHIP_MODEL) model: Model<MembershipDocument>) {
    super(model);
  }

  /**
   * Unscoped on purpose: login chooses the tenant a user enters, so no tenant is known yet. It returns only
   * that user's own accepted memberships, oldest first.
   */
  async findAcceptedOfUserUnscoped(userId: string): Promise<MembershipDocument[]> {
    return this.model
      .find({ user_id: String(userId), status: 'accepted' })
      .sort({ created_at: 1 })
      .lean<MembershipDocument[]>()
      .exec();
  }

  /** Unscoped on purpose: deleting an account removes the user from every namespace, whichever tenant it is. */
  async findOfUserUnscoped(userId: string): Promise<MembershipDocument[]> {
    return this.model.find({ user_id: String(userId) }).lean<MembershipDocument[]>().exec();
  }
}
