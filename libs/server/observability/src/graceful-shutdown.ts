import type { INestApplicationContext } from '@nestjs/common';

/**
 * Closes the app on SIGTERM or SIGINT (Nest's shutdown hooks close servers, workers and connections in order),
 * and exits anyway if that takes longer than `timeoutMs`, so a stuck connection cannot block a deploy.
 */
export function enableGracefulShutdown(
  app: INestApplicationContext,
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
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
