import type { FirewallRuleDocument } from '@fleetgate/data-access';
import { patternMatches } from '@fleetgate/patterns';

export interface ConnectionAttempt {
  /** The person's client address as the gateway saw it. */
  sourceIp: string;
  /** The device login name. */
  username: string;
  device: { name: string; tags: string[] };
}

export type FirewallDecision =
  | { allowed: true; rule: FirewallRuleDocument | null }
  | { allowed: false; rule: FirewallRuleDocument };

type EvaluatedRule = Pick<FirewallRuleDocument, 'action' | 'active' | 'priority' | 'source_ip' | 'username' | 'filter'>;

/**
 * The one firewall evaluation, used by the gateway for every connection: active rules in ascending priority, the
 * first rule that matches decides. When no rule matches, the connection is allowed: rules restrict what public keys
 * and passwords already permit (ShellHub's semantics); a namespace that wants deny-by-default adds a last `deny`
 * rule matching everything. Patterns are unanchored RE2; a stored pattern that does not compile matches nothing.
 */
export function evaluateFirewall<Rule extends EvaluatedRule>(
  rules: readonly Rule[],
  attempt: ConnectionAttempt,
): { allowed: boolean; rule: Rule | null } {
  const ordered = rules.filter((rule) => rule.active).sort((left, right) => left.priority - right.priority);
  for (const rule of ordered) {
    if (matches(rule, attempt)) return { allowed: rule.action === 'allow', rule };
  }
  return { allowed: true, rule: null };
}

function matches(rule: EvaluatedRule, attempt: ConnectionAttempt): boolean {
  return (
    patternMatches(rule.source_ip, attempt.sourceIp) &&
    patternMatches(rule.username, attempt.username) &&
    coversDevice(rule.filter, attempt.device)
  );
}

function coversDevice(filter: EvaluatedRule['filter'], device: ConnectionAttempt['device']): boolean {
  if (filter.hostname !== undefined) return patternMatches(filter.hostname, device.name);
  // No tag left covers no device (docs/adr/0006-empty-tag-filters.md): an allow rule whose tags were all removed
  // must not start allowing every device. "All devices" is the hostname pattern `.*`, as ShellHub's UI writes it.
  return (filter.tags ?? []).some((tag) => device.tags.includes(tag));
}
