import 'reflect-metadata';
import { loadApiConfig, loadConfigOrExit, readProcessEnvironment } from '@fleetgate/config';
import { enableGracefulShutdown } from '@fleetgate/observability';
import { Logger } from 'nestjs-pino';
import { createApiApplication } from './bootstrap';

async function main(): Promise<void> {
  const config = loadConfigOrExit(() => loadApiConfig(readProcessEnvironment()));
  const app = await createApiApplication(config);
  const logger = app.get(Logger);
  enableGracefulShutdown(app, config.shutdownTimeoutMs, (message) => logger.log(message));
  await app.listen(config.http.port, config.http.host);
  logger.log(`api listening on http://${config.http.host}:${config.http.port}`);
}

void main();
