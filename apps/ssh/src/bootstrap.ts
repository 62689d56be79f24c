import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { SshConfig } from '@fleetgate/config';
import { createLogger } from '@fleetgate/logging';
import { PinoNestLogger } from '@fleetgate/observability';
import { SshModule } from './ssh.module';

/** Builds the gateway: SSH listener and health endpoint start during init. */
export async function createSshApplication(config: SshConfig): Promise<INestApplicationContext> {
  const logger = new PinoNestLogger(createLogger({ service: 'ssh', level: config.log.level }));
  const app = await NestFactory.createApplicationContext(SshModule.forRoot(config), { logger });
  await app.init();
  return app;
}
