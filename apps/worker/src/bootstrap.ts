import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { WorkerConfig } from '@fleetgate/config';
import { createLogger } from '@fleetgate/logging';
import { PinoNestLogger } from '@fleetgate/observability';
import { WorkerModule } from './worker.module';

export async function createWorkerApplication(config: WorkerConfig): Promise<INestApplicationContext> {
  const logger = new PinoNestLogger(createLogger({ service: 'worker', level: config.log.level }));
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger });
  await app.init();
  return app;
}
