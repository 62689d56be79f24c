export { loadOrCreateDeviceKey, type DeviceKeyPair } from './key-store';
export {
  detectDeviceIdentity,
  parseOsRelease,
  primaryMacAddress,
  shellHubArch,
  type ArmBuild,
  type DeviceIdentity,
  type DeviceInfo,
} from './device-identity';
export { Backoff, DEFAULT_BACKOFF_BASE_MS, DEFAULT_BACKOFF_CAP_MS } from './backoff';
export {
  registerDevice,
  fetchServerInfo,
  signRegistration,
  RegistrationRefusedError,
  type Fetch,
  type Registration,
  type ServerInfo,
} from './registration';
export { TunnelClient, type TunnelClientOptions, type TunnelOutcome } from './tunnel-client';
export { AgentRunner, type AgentRunnerOptions, type SessionServer } from './agent-runner';
