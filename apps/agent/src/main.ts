import { type AgentConfig, ConfigValidationError, loadAgentCommandLine, readProcessEnvironment } from '@fleetgate/config';
import { FLEETGATE_VERSION } from '@fleetgate/contracts';
import { AgentRunner } from '@fleetgate/agent-device';
import { createLogger, type Logger } from '@fleetgate/logging';

async function main(): Promise<void> {
  let commandLine;
  try {
    commandLine = loadAgentCommandLine(process.argv.slice(2), readProcessEnvironment());
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  if (commandLine.kind === 'version') {
    process.stdout.write(`fleetgate-agent ${FLEETGATE_VERSION}\n`);
    return;
  }
  if (commandLine.kind === 'help') {
    process.stdout.write(`${commandLine.usage}\n`);
    return;
  }

  const logger = createLogger({ service: 'agent', level: commandLine.config.log.level });
  const { config } = commandLine;
  const runner = config.mode === 'connector' ? await connectorRunner(config, logger) : new AgentRunner(config, FLEETGATE_VERSION, logger);
  const stop = (signal: NodeJS.Signals) => {
    logger.info({ event: 'stopping', signal }, 'agent stopping');
    runner.stop();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  const memory = process.memoryUsage();
  // Start-up cost on small devices (docs/agent-packaging.md): time since the process started, and memory once loaded.
  logger.info(
    {
      event: 'started',
      mode: config.mode,
      node: process.versions.node,
      startupMs: Math.round(process.uptime() * 1000),
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
    },
    'agent started',
  );
  await runner.run();
  logger.flush();
  process.exit(0);
}

/**
 * Only `--mode connector` needs dockerode and the connector: a host agent never loads them, which spares a Pi's
 * start-up (about 1.8 s under emulation) and heap.
 */
async function connectorRunner(config: AgentConfig, logger: Logger) {
  const [{ ConnectorRunner }, { default: Docker }] = await Promise.all([import('@fleetgate/agent-connector'), import('dockerode')]);
  return new ConnectorRunner({
    config,
    version: FLEETGATE_VERSION,
    logger,
    docker: new Docker({ socketPath: config.connector.dockerSocket }),
    keysDirectory: config.connector.keysDirectory,
  });
}

void main();
