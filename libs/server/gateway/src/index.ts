export { loadOrCreateHostKey } from './host-keys';
export { parseSshid, formatSshid, type Sshid } from './sshid';
export { TunnelRegistry, TunnelUnavailableError, type Tunnel } from './tunnel-registry';
export { TunnelEndpoint, type TunnelSettings } from './tunnel-endpoint';
export { PresenceBatcher, type PresenceCounters, type PresenceSettings } from './presence-batcher';
export { TargetResolver } from './target-resolver';
export {
  AccessDecisionService,
  type AccessPolicySettings,
  type AccessVerdict,
  type PasswordAttemptGate,
  type ResolvedTarget,
  type Resolution,
  type TargetLookup,
} from './access-decision';
export { GatewayGauges } from './gateway-gauges';
export { relayChannels, type ChannelRelay } from './channel-relay';
export {
  GatewaySession,
  md5Fingerprint,
  type FirewallRuleSource,
  type GatewayContext,
  type PasswordAttempts,
  type PasswordAttemptTicket,
  type PublicKeyDirectory,
} from './gateway-session';
