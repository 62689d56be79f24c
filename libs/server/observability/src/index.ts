export { LoggingModule, REQUEST_ID_HEADER, requestIdOf, serializeRequest } from './logging.module';
export { checkHealth, type HealthIndicator } from './health.service';
export { startHealthServer, type HealthServer, type MetricsText } from './health-server';
export { enableGracefulShutdown } from './graceful-shutdown';
export { PinoNestLogger } from './pino-nest.logger';
export { AppMetrics } from './app-metrics';
