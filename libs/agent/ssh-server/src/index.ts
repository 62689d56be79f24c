export { DeviceSshServer, type DeviceSshServerOptions } from './device-ssh-server';
export { findLocalAccount, shadowHashOf, type LocalAccount } from './local-accounts';
export { verifyShadowPassword } from './shadow-password';
export { AssertionGate, type AdmittedLogin } from './assertion-gate';
export { acceptsClientVariable } from './session-environment';
export {
  exitStatusOfStartFailure,
  finishChannel,
  GatewaySessionServer,
  type GatewaySessionServerOptions,
  type ProgramRequest,
  type PtySize,
  type RunningProgram,
  type SessionState,
} from './gateway-session-server';
export { loadPtySupport, ptySupport, type PtyModule, type PtySupport } from './native-pty';
