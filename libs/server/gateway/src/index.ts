export { loadOrCreateHostKey } from './host-keys';
export { parseSshid, formatSshid, type Sshid } from './sshid';
export { TunnelRegistry, TunnelUnavailableError, type Tunnel } from './tunnel-registry';
export { TunnelEndpoint, type TunnelSettings } from './tunnel-endpoint';
export { PresenceBatcher, type PresenceCounters, type PresenceSettings } from './presence-batcher';
export { TargetResolver, type ResolvedTarget, type Resolution } from './target-resolver';
export {
  GatewaySession,
  md5Fingerprint,
  type FirewallAuthorization,
  type GatewayContext,
  type PublicKeyAuthorization,
} from './gateway-session';
