export { loadOrCreateHostKey } from './host-keys';
export { parseSshid, formatSshid, type Sshid } from './sshid';
export {
  DEFAULT_MAX_PENDING_PICKUPS_PER_DEVICE,
  TunnelRegistry,
  TunnelUnavailableError,
  type Tunnel,
  type TunnelRegistryOptions,
} from './tunnel-registry';
export { TUNNEL_REVOKED_CLOSE_CODE, TunnelEndpoint, type TunnelSettings } from './tunnel-endpoint';
export { TunnelAdmission, type AdmissionDecision } from './tunnel-admission';
export { PresenceBatcher } from './presence-batcher';
export { TargetResolver, type ResolvedTarget, type Resolution } from './target-resolver';
export {
  GatewaySession,
  md5Fingerprint,
  type FirewallAuthorization,
  type GatewayContext,
  type PublicKeyAuthorization,
} from './gateway-session';
