export { loadOrCreateDeviceKey, type DeviceKeyPair } from './key-store';
export {
  detectDeviceIdentity,
  parseOsRelease,
  primaryMacAddress,
  type DeviceIdentity,
  type DeviceInfo,
} from './device-identity';
export { Backoff } from './backoff';
export { registerDevice, fetchServerInfo, type Registration, type ServerInfo } from './registration';
export { TunnelClient, type TunnelClientOptions } from './tunnel-client';
export { AgentRunner, type AgentRunnerOptions, type SessionServer } from './agent-runner';
