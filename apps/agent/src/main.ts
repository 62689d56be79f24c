import { ConfigValidationError, loadAgentCommandLine, readProcessEnvironment } from '@fleetgate/config';
import { FLEETGATE_VERSION } from '@fleetgate/contracts';
import Docker from 'dockerode';
import { ConnectorRunner } from '@fleetgate/agent-connector';
import { AgentRunner } from '@fleetgate/agent-device';
import { createLogger } from '@fleetgate/logging';

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
  const runner =
    config.mode === 'connector'
      ? new ConnectorRunner({
          config,
          version: FLEETGATE_VERSION,
          logger,
          docker: new Docker({ socketPath: config.connector.dockerSocket }),
          keysDirectory: config.connector.keysDirectory,
        })
      : new AgentRunner(config, FLEETGATE_VERSION, logger);
  const stop = (signal: NodeJS.Signals) => {
    logger.info({ event: 'stopping', signal }, 'agent stopping');
    runner.stop();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  await runner.run();
  logger.flush();
  process.exit(0);
}

void main();
