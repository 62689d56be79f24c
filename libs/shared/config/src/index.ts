export { readProcessEnvironment, type Environment } from './environment';
export { ConfigValidationError } from './config-validation.error';
export { loadConfig, loadConfigOrExit } from './config-loader';
export {
  apiConfigSchema,
  sshConfigSchema,
  workerConfigSchema,
  loadApiConfig,
  loadSshConfig,
  loadWorkerConfig,
  type ApiConfig,
  type SshConfig,
  type WorkerConfig,
} from './server-configs';
export {
  agentConfigSchema,
  agentUsage,
  loadAgentCommandLine,
  parseEnvironmentFile,
  type AgentConfig,
  type AgentCommandLine,
} from './agent-config';
export { loadTestServices, type TestServices } from './test-services';
export { type BillingSettings, type DeviceLimits, type StripeSettings } from './billing-config';
