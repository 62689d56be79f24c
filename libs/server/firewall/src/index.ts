export { evaluateFirewall, type ConnectionAttempt, type FirewallDecision } from './firewall-evaluation';
export { FirewallService, type FirewallRuleRequest, type FirewallRuleView } from './firewall.service';
export { FirewallModule } from './firewall.module';
