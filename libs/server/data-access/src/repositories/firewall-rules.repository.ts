import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { FIREWALL_RULE_MODEL, type FirewallRuleDocument } from '../schemas/firewall-rule.schema';
import { TenantScopedRepository } from '../tenancy/tenant-scoped.repository';

@Injectable()
export class FirewallRulesRepository extends TenantScopedRepository<FirewallRuleDocument> {
  constructor(@InjectModel(FIREWALL_RULE_MODEL) model: Model<FirewallRuleDocument>) {
    super(model);
  }
}
