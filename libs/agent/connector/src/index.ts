export {
  CONNECTOR_PLATFORM,
  containerChange,
  containerDeviceIdentity,
  containerShortId,
  runningContainers,
  type ContainerSummary,
  type EngineEvent,
} from './container-devices';
export {
  ContainerSshServer,
  type ContainerExecutor,
  type ContainerSshServerOptions,
  type ExecInstance,
  type StreamDemultiplexer,
} from './container-ssh-server';
export { ConnectorRunner, type ConnectorRunnerOptions } from './connector-runner';
