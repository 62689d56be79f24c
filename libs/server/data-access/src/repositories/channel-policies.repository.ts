import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { CHANNEL_POLICY_MODEL, type ChannelPolicyDocument } from '../schemas/channel-policy.schema';
import { TenantScopedRepository } from '../tenancy/tenant-scoped.repository';

@Injectable()
export class ChannelPoliciesRepository extends TenantScopedRepository<ChannelPolicyDocument> {
  constructor(@InjectModel(CHANNEL_POLICY_MODEL) model: Model<ChannelPolicyDocument>) {
    super(model);
  }
}
