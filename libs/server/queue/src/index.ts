export { createRedisConnection } from './redis-connection';
export { QueueProducer, defaultJobOptions } from './queue-producer';
export { createQueueWorker, type JobOf, type QueueWorkerOptions } from './queue-worker';
export { RedisHealthIndicator } from './redis-health.indicator';
export { QueueModule, REDIS_CONNECTION, REDIS_KEY_PREFIX, type QueueModuleOptions } from './queue.module';
export { QueueProcessor } from './queue-processor';
export {
  DeviceAdmissionRepository,
  isRefusedAdmissionState,
  type DeviceAdmissionLookup,
  type DeviceAdmissionState,
  type TunnelRevocation,
} from './device-admission.repository';
export { SessionCloseChannel, type SessionCloseRequest } from './session-close.channel';
export { TerminalTicketRepository, type TerminalTicket } from './terminal-ticket.repository';
export {
  GatewayFleetRepository,
  type GatewayCommand,
  type GatewayProcessReport,
  type GatewayProcessStatus,
  type LiveConnection,
} from './gateway-fleet.repository';
export { GatewayControlRepository } from './gateway-control.repository';
export { TunnelPeerChannel, parsePeerMessage, type TunnelPeerMessage } from './tunnel-peer.channel';
