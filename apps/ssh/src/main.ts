import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadConfigOrExit, loadSshConfig, readProcessEnvironment } from '@fleetgate/config';
import { enableGracefulShutdown } from '@fleetgate/observability';
import { createSshApplication } from './bootstrap';

async function main(): Promise<void> {
  const config = loadConfigOrExit(() => loadSshConfig(readProcessEnvironment()));
  const app = await createSshApplication(config);
  const logger = new Logger('main');
  enableGracefulShutdown(app, config.shutdownTimeoutMs, (message) => logger.log(message));
  logger.log('ssh gateway ready');
}

void main();
