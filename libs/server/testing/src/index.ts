export { createTestContext, type TestContext } from './test-context';
export { factory, persist } from './factories';
export { freePort } from './free-port';
export { serverEnvironment } from './server-environment';
export { bootHttpApp, type RunningHttpApp } from './in-process-app';
export { appLogDirectory, startAppProcess, type AppProcess, type AppProcessOptions } from './app-process';
export { workspaceRoot } from './workspace-root';
export { childEnvironment } from './child-environment';
export { startTestSmtpServer, type ReceivedEmail, type TestSmtpServer } from './smtp-server';
export { arrangePresence, presenceStore } from './presence';
export {
  billingEnvironment,
  signedEvent,
  stripeMockAddress,
  subscriptionObject,
  TEST_STRIPE,
  type TestEvent,
} from './stripe-mock';
