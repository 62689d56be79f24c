export { loadOrCreateHostKey } from './host-keys';
export { parseSshid, formatSshid, type Sshid } from './sshid';
export {
  DEFAULT_MAX_PENDING_PICKUPS_PER_DEVICE,
  TunnelRegistry,
  TunnelUnavailableError,
  type Tunnel,
  type TunnelRegistryOptions,
} from './tunnel-registry';
export { TunnelRouter, type DeviceStreams, type TunnelHolders, type TunnelPeers } from './tunnel-router';
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
export { relayChannels, type ChannelGuard, type ChannelRelay } from './channel-relay';
export {
  GatewaySession,
  md5Fingerprint,
  type FirewallRuleSource,
  type GatewayContext,
  type GatewayPolicySource,
  type SecondFactorCheck,
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
export { reportAudit, type GatewayAuditEvent, type GatewayAuditSink } from './gateway-audit';
export { StoredGatewayAuditSink, type AuditBatchSettings, type AuditEventWriter } from './stored-gateway-audit';
export {
  describeHostKey,
  GatewayHostKeyService,
  generateHostKey,
  HOST_KEY_SECRET_PURPOSE,
  hostKeySizes,
  sha256Fingerprint,
  type GeneratedHostKey,
  type HostKeyView,
} from './gateway-host-keys';
export { LiveConnectionTracker, type LoggedIn } from './live-connections';
export { GatewayStatusPublisher, type GatewayFleet, type GatewayStatusSettings } from './gateway-status-publisher';
export { StoredDeviceHostKeyChanges, type DeviceHostKeyChanges } from './device-host-key-changes';
export { HostKeyChangedError } from './device-link';
export { AuditLogService, type AuditEventView, type AuditListQuery } from './audit-log.service';
export {
  LiveConnectionsService,
  type GatewayFleetReader,
  type GatewayProcessView,
  type LiveConnectionView,
} from './live-connections.service';
export {
  channelVerdict,
  destinationAllowed,
  execCommandAllowed,
  governingChannelPolicy,
  isScpCommand,
  parseNetwork,
  type ChannelRequest,
} from './channel-policy';
export {
  DEFAULT_AUTHENTICATION_POLICY,
  methodVerdict,
  offeredMethods,
  secondFactorSubject,
  type GatewayAuthenticationPolicy,
  type KeyOwnerFacts,
  type SecondFactorSubject,
} from './auth-policy';
export {
  assertValidGatewaySettings,
  ClientAddressRules,
  defaultGatewaySettings,
  SUPPORTED_ALGORITHMS,
  type GatewaySettings,
} from './gateway-settings';
export { GatewaySettingsCache, type GatewaySettingsSource } from './gateway-settings-cache';
export { parseProxyHeader, ProxyProtocolGate, type ProxyAdmission, type ProxyHeaderParse } from './proxy-protocol';
export { GatewayListener, type AdmittedConnection, type AutoBlockStore, type GatewayListenerOptions } from './gateway-listener';
export {
  AuthenticationPolicyService,
  ChannelPoliciesService,
  GatewaySettingsService,
  type ChannelPolicyRequest,
  type ChannelPolicyView,
} from './gateway-policies.service';
export { GatewayPoliciesModule } from './gateway-policies.module';
