import type { INestApplicationContext } from '@nestjs/common';

/**
 * Closes the app on SIGTERM or SIGINT (Nest's shutdown hooks close servers, workers and connections in order),
 * and exits anyway if that takes longer than `timeoutMs`, so a stuck connection cannot block a deploy.
 * Pass the app while it is still being created: health endpoints start answering during initialisation, so a
 * supervisor may signal before creation ends, and a signal without a handler would kill the process uncleanly.
 */
export function enableGracefulShutdown(
  app: INestApplicationContext | Promise<INestApplicationContext>,
  timeoutMs: number,
  log: (message: string) => void,
): void {
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    log(`received ${signal}, shutting down`);
    const timer = setTimeout(() => {
      log(`shutdown took longer than ${timeoutMs} ms, exiting`);
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    Promise.resolve(app).then((created) => created.close()).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
