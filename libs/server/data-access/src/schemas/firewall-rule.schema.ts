import { Schema } from 'mongoose';
import { documentSchemaOptions } from './schema-options';

export const FIREWALL_RULE_MODEL = 'FirewallRule';

/** Which devices a rule covers: those whose name matches `hostname`, or that carry one of `tags`. */
export type FirewallRuleFilter = { hostname: string; tags?: undefined } | { tags: string[]; hostname?: undefined };

export interface FirewallRuleDocument {
  /** 24 hex characters, like the ObjectId ShellHub returns as `id`. */
  id: string;
  tenant_id: string;
  action: 'allow' | 'deny';
  active: boolean;
  /** Lower is evaluated first. */
  priority: number;
  /** RE2 pattern on the person's client address. */
  source_ip: string;
  /** RE2 pattern on the device login name. */
  username: string;
  filter: FirewallRuleFilter;
  created_at?: Date;
  updated_at?: Date;
}

export const firewallRuleSchema = new Schema<FirewallRuleDocument>(
  {
    id: { type: String, required: true },
    tenant_id: { type: String, required: true },
    action: { type: String, required: true, enum: ['allow', 'deny'] },
    active: { type: Boolean, required: true },
    priority: { type: Number, required: true },
    source_ip: { type: String, required: true },
    username: { type: String, required: true },
    filter: {
      type: { hostname: { type: String }, tags: { type: [String], default: undefined } },
      required: true,
      _id: false,
    },
  },
  documentSchemaOptions('firewall_rules'),
);
firewallRuleSchema.index({ tenant_id: 1, id: 1 }, { unique: true });
firewallRuleSchema.index({ tenant_id: 1, active: 1, priority: 1 });
