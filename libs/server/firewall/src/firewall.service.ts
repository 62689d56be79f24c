import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import {
  type FirewallRuleDocument,
  FirewallRulesRepository,
  type Page,
  type PageRequest,
  pageWindow,
  type TenantScope,
} from '@fleetgate/data-access';
import { AppException } from '@fleetgate/errors';
import { SafePattern, validDeviceFilter } from '@fleetgate/patterns';

export interface FirewallRuleRequest {
  action: 'allow' | 'deny';
  active: boolean;
  priority: number;
  source_ip: string;
  username: string;
  filter: { hostname?: string; tags?: string[] };
}

/** A rule as the API returns it (ShellHub's `FirewallRulesResponse`). */
export interface FirewallRuleView extends FirewallRuleRequest {
  id: string;
  tenant_id: string;
}

@Injectable()
export class FirewallService {
  constructor(private readonly rules: FirewallRulesRepository) {}

  async create(scope: TenantScope, request: FirewallRuleRequest): Promise<FirewallRuleView> {
    const rule = await this.rules.create(scope, { id: randomBytes(12).toString('hex'), ...validRule(request) });
    return toView(rule);
  }

  async list(scope: TenantScope, page: PageRequest): Promise<Page<FirewallRuleView>> {
    const [total, rules] = await Promise.all([
      this.rules.count(scope, {}),
      this.rules.find(scope, {}, { sort: { priority: 1, id: 1 }, ...pageWindow(page) }),
    ]);
    return { items: rules.map(toView), total };
  }

  async get(scope: TenantScope, id: string): Promise<FirewallRuleView> {
    const rule = await this.rules.findOne(scope, { id: String(id) });
    if (!rule) throw AppException.notFound('firewall rule');
    return toView(rule);
  }

  async update(scope: TenantScope, id: string, request: FirewallRuleRequest): Promise<FirewallRuleView> {
    const rule = await this.rules.updateOne(scope, { id: String(id) }, { $set: validRule(request) });
    if (!rule) throw AppException.notFound('firewall rule');
    return toView(rule);
  }

  async delete(scope: TenantScope, id: string): Promise<void> {
    if (!(await this.rules.deleteOne(scope, { id: String(id) }))) throw AppException.notFound('firewall rule');
  }

  /** The rules the gateway's access decisions evaluate for every connection. */
  activeRules(scope: TenantScope): Promise<FirewallRuleDocument[]> {
    return this.rules.find(scope, { active: true });
  }
}

/** Every pattern must compile on RE2 at write time; the filter is a hostname pattern or tags, not both. */
function validRule(request: FirewallRuleRequest): Omit<FirewallRuleDocument, 'id' | 'tenant_id'> {
  SafePattern.compile(request.source_ip, 'source_ip');
  SafePattern.compile(request.username, 'username');
  const filter = validDeviceFilter(request.filter);
  return {
    action: request.action,
    active: request.active,
    priority: request.priority,
    source_ip: request.source_ip,
    username: request.username,
    filter,
  };
}

function toView(rule: FirewallRuleDocument): FirewallRuleView {
  return {
    id: rule.id,
    tenant_id: rule.tenant_id,
    action: rule.action,
    active: rule.active,
    priority: rule.priority,
    source_ip: rule.source_ip,
    username: rule.username,
    filter: rule.filter.hostname !== undefined ? { hostname: rule.filter.hostname } : { tags: rule.filter.tags ?? [] },
  };
}
