import 'reflect-metadata';
import cluster from 'node:cluster';
import { Logger } from '@nestjs/common';
import { loadConfigOrExit, loadSshConfig, readProcessEnvironment } from '@fleetgate/config';
import { loadOrCreatePlatformKeys } from '@fleetgate/auth';
import { loadOrCreateHostKey } from '@fleetgate/gateway';
import { enableGracefulShutdown } from '@fleetgate/observability';
import { createSshApplication } from './bootstrap';
import { runGatewayPrimary, gatewayProcessCount } from './gateway-cluster';

async function main(): Promise<void> {
  const config = loadConfigOrExit(() => loadSshConfig(readProcessEnvironment()));
  const logger = new Logger('main');
  const processes = gatewayProcessCount(config.processes);
  if (processes > 1 && cluster.isPrimary) {
    // Created once here, so that workers starting together on a fresh machine do not each write a different key.
    await loadOrCreatePlatformKeys(config.platformKeyDirectory);
    await loadOrCreateHostKey(config.ssh.hostKeyDirectory);
    runGatewayPrimary(processes, config.shutdownTimeoutMs, (message) => logger.log(message));
    return;
  }
  const creating = createSshApplication(config);
  enableGracefulShutdown(creating, config.shutdownTimeoutMs, (message) => logger.log(message));
  await creating;
  logger.log('ssh gateway ready');
}

void main();
