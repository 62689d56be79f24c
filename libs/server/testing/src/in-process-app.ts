import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';

export interface RunningHttpApp<App extends INestApplication = INestApplication> {
  app: App;
  /** Base URL without a trailing slash, for example http://127.0.0.1:40123 */
  url: string;
  close(): Promise<void>;
}

/** Boots an HTTP app in this process on a free loopback port; requests then go over a real socket. */
export async function bootHttpApp<App extends INestApplication>(create: () => Promise<App>): Promise<RunningHttpApp<App>> {
  const app = await create();
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, close: () => app.close() };
}
