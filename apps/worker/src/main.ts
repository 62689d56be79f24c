import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadConfigOrExit, loadWorkerConfig, readProcessEnvironment } from '@fleetgate/config';
import { enableGracefulShutdown } from '@fleetgate/observability';
import { createWorkerApplication } from './bootstrap';

async function main(): Promise<void> {
  const config = loadConfigOrExit(() => loadWorkerConfig(readProcessEnvironment()));
  const app = await createWorkerApplication(config);
  const logger = new Logger('main');
  enableGracefulShutdown(app, config.shutdownTimeoutMs, (message) => logger.log(message));
  logger.log('worker ready');
}

void main();
