import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadConfigOrExit, loadWorkerConfig, readProcessEnvironment } from '@fleetgate/config';
import { enableGracefulShutdown } from '@fleetgate/observability';
import { createWorkerApplication } from './bootstrap';

async function main(): Promise<void> {
  const config = loadConfigOrExit(() => loadWorkerConfig(readProcessEnvironment()));
  const logger = new Logger('main');
  const creating = createWorkerApplication(config);
  enableGracefulShutdown(creating, config.shutdownTimeoutMs, (message) => logger.log(message));
  await creating;
  logger.log('worker ready');
}

void main();
