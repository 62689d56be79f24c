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
export {
  SessionTracker,
  type SessionCloseOrder,
  type SessionTrackerSettings,
  type TerminableSession,
  type TrackedSessionStart,
} from './session-tracker';
export type {
  ChannelRecording,
  SessionRecorder,
  SessionRecorderFactory,
  SessionRecordingRequest,
} from './session-recorder';
export { loopbackConnection } from './web-terminal/loopback-connection';
export { refusalFromBanner, type TerminalRefusal } from './web-terminal/refusal';
export { TerminalTargets } from './web-terminal/terminal-targets';
export {
  DEFAULT_WEB_TERMINAL_TIMINGS,
  WebTerminalEndpoint,
  type TerminalTicketRedeemer,
} from './web-terminal/web-terminal-endpoint';
export {
  type GatewayEntrance,
  type TerminalTargetDirectory,
  type WebTerminalTimings,
} from './web-terminal/web-terminal-session';
