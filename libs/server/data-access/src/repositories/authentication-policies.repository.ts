import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { AUTHENTICATION_POLICY_MODEL, type AuthenticationPolicyDocument } from '../schemas/authentication-policy.schema';
import type { TenantScope } from '../tenancy/tenant-scope';
import { TenantScopedRepository } from '../tenancy/tenant-scoped.repository';

export type AuthenticationPolicyFields = Omit<AuthenticationPolicyDocument, 'tenant_id' | 'created_at' | 'updated_at'>;

@Injectable()
export class AuthenticationPoliciesRepository extends TenantScopedRepository<AuthenticationPolicyDocument> {
  constructor(@InjectModel(AUTHENTICATION_POLICY_MODEL) model: Model<AuthenticationPolicyDocument>) {
    super(model);
  }

  /** The namespace's one policy, created on first write. */
  async put(scope: TenantScope, fields: AuthenticationPolicyFields): Promise<AuthenticationPolicyDocument> {
    const updated = await this.model
      .findOneAndUpdate({ tenant_id: scope.tenantId }, { $set: fields }, { new: true, upsert: true, runValidators: true })
      .lean<AuthenticationPolicyDocument>()
      .exec();
    return updated as AuthenticationPolicyDocument;
  }
}
