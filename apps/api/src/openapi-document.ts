import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { loadApiConfig } from '@fleetgate/config';
import { AppModule } from './app.module';
import { buildOpenApiDocument } from './bootstrap';

/**
 * Writes the API's OpenAPI document to the file named by the first argument (stdout without one), without a
 * database, Redis or a listening port: Nest's preview mode reads the controllers' metadata without instantiating
 * any provider. The UI's client is generated from this file (`nx run ui:api-client`).
 */
async function main(): Promise<void> {
  // Placeholders only: in preview mode nothing connects, but the module graph is built from a valid config.
  const config = loadApiConfig({ MONGO_URL: 'mongodb://127.0.0.1:27017/', REDIS_URL: 'redis://127.0.0.1:6379' });
  const app = await NestFactory.create(AppModule.forRoot(config), { preview: true, logger: false, abortOnError: false });
  const document = buildOpenApiDocument(app);
  const text = `${JSON.stringify(document, null, 2)}\n`;
  const target = process.argv[2];
  // No app.close(): in preview mode nothing was started, so there is nothing to shut down (and no hook to run).
  if (target) {
    writeFileSync(target, text);
    process.exit(0);
  }
  process.stdout.write(text, () => process.exit(0));
}

main().catch((error: unknown) => {
  process.stderr.write(`could not build the OpenAPI document: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
