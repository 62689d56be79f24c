import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadConfigOrExit, loadSshConfig, readProcessEnvironment } from '@fleetgate/config';
import { enableGracefulShutdown } from '@fleetgate/observability';
import { createSshApplication } from './bootstrap';

async function main(): Promise<void> {
  const config = loadConfigOrExit(() => loadSshConfig(readProcessEnvironment()));
  const logger = new Logger('main');
  const creating = createSshApplication(config);
  enableGracefulShutdown(creating, config.shutdownTimeoutMs, (message) => logger.log(message));
  await creating;
  logger.log('ssh gateway ready');
}

void main();
