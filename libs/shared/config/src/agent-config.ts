import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ConfigValidationError } from './config-validation.error';
import { loadConfig } from './config-loader';
import type { Environment } from './environment';
import { logLevel } from './variables';

/** Each agent setting, with the flag and the environment variable that set it. Flags win over the environment, which wins over the file. */
const agentSettings = {
  FLEETGATE_SERVER_ADDRESS: 'server',
  FLEETGATE_TENANT_ID: 'tenant-id',
  FLEETGATE_PRIVATE_KEY: 'private-key',
  FLEETGATE_PREFERRED_HOSTNAME: 'hostname',
  FLEETGATE_PREFERRED_IDENTITY: 'identity',
  FLEETGATE_HEARTBEAT_INTERVAL: 'heartbeat-interval',
  FLEETGATE_LOG_LEVEL: 'log-level',
  FLEETGATE_MODE: 'mode',
  FLEETGATE_DOCKER_SOCKET: 'docker-socket',
  FLEETGATE_CONTAINER_KEYS: 'container-keys',
} as const;

type AgentVariable = keyof typeof agentSettings;

export const agentConfigSchema = z
  .object({
    FLEETGATE_SERVER_ADDRESS: z
      .string()
      .regex(/^https?:\/\/[^\s]+$/, 'must be an http:// or https:// URL'),
    FLEETGATE_TENANT_ID: z
      .string()
      .regex(/^[0-9a-fA-F-]{36}$/, 'must be the namespace tenant id, a UUID'),
    FLEETGATE_PRIVATE_KEY: z.string().min(1).default('/var/lib/fleetgate-agent/agent.key'),
    FLEETGATE_PREFERRED_HOSTNAME: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,62}$/, 'must be a hostname label (letters, digits, "-")')
      .optional(),
    FLEETGATE_PREFERRED_IDENTITY: z.string().min(1).max(64).optional(),
    FLEETGATE_HEARTBEAT_INTERVAL: z.coerce.number().int().min(5).max(600).default(30),
    FLEETGATE_LOG_LEVEL: logLevel,
    /** `host`: this machine is the device; `connector`: each running container of the local Docker engine is one. */
    FLEETGATE_MODE: z.enum(['host', 'connector']).default('host'),
    FLEETGATE_DOCKER_SOCKET: z.string().min(1).default('/var/run/docker.sock'),
    FLEETGATE_CONTAINER_KEYS: z.string().min(1).default('/var/lib/fleetgate-agent/containers'),
  })
  .transform((env) => ({
    serverAddress: env.FLEETGATE_SERVER_ADDRESS.replace(/\/+$/, ''),
    tenantId: env.FLEETGATE_TENANT_ID.toLowerCase(),
    privateKeyPath: env.FLEETGATE_PRIVATE_KEY,
    preferredHostname: env.FLEETGATE_PREFERRED_HOSTNAME,
    preferredIdentity: env.FLEETGATE_PREFERRED_IDENTITY,
    heartbeatIntervalSeconds: env.FLEETGATE_HEARTBEAT_INTERVAL,
    log: { level: env.FLEETGATE_LOG_LEVEL },
    mode: env.FLEETGATE_MODE,
    connector: { dockerSocket: env.FLEETGATE_DOCKER_SOCKET, keysDirectory: env.FLEETGATE_CONTAINER_KEYS },
  }));

export type AgentConfig = z.output<typeof agentConfigSchema>;

export type AgentCommandLine =
  | { kind: 'version' }
  | { kind: 'help'; usage: string }
  | { kind: 'run'; config: AgentConfig };

export const agentUsage = [
  'Usage: fleetgate-agent [options]',
  '',
  'Options (each also read from the environment variable in brackets, then from --config):',
  ...Object.entries(agentSettings).map(([variable, flag]) => `  --${flag.padEnd(20)} [${variable}]`),
  '  --config <file>          KEY=VALUE file, for example /etc/fleetgate/agent.env',
  '  --version                print the version and exit',
  '  --help                   print this help and exit',
].join('\n');

/** Parses a KEY=VALUE file (the format systemd's EnvironmentFile reads); blank lines and # comments are skipped. */
export function parseEnvironmentFile(text: string, fileName: string): Record<string, string> {
  const values: Record<string, string> = {};
  text.split(/\r?\n/).forEach((rawLine, index) => {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) {
      throw new ConfigValidationError('agent', [
        { variable: `${fileName}:${index + 1}`, problem: 'expected KEY=VALUE' },
      ]);
    }
    values[match[1]] = match[2].replace(/^(['"])(.*)\1$/, '$2');
  });
  return values;
}

/** Reads the agent's settings from flags, environment and an optional file, in that order of precedence. */
export function loadAgentCommandLine(
  argv: readonly string[],
  environment: Environment,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): AgentCommandLine {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        ...Object.fromEntries(Object.values(agentSettings).map((flag) => [flag, { type: 'string' as const }])),
        config: { type: 'string' },
        version: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new ConfigValidationError('agent', [
      { variable: 'command line', problem: error instanceof Error ? error.message : String(error) },
    ]);
  }
  const flags = parsed.values as Record<string, string | boolean | undefined>;
  if (flags['version']) return { kind: 'version' };
  if (flags['help']) return { kind: 'help', usage: agentUsage };

  const configFile = typeof flags['config'] === 'string' ? flags['config'] : environment['FLEETGATE_CONFIG'];
  const fromFile = configFile ? parseEnvironmentFile(readConfigFile(readFile, configFile), configFile) : {};

  const merged: Record<string, string | undefined> = {};
  for (const [variable, flag] of Object.entries(agentSettings) as Array<[AgentVariable, string]>) {
    const fromFlag = flags[flag];
    merged[variable] = (typeof fromFlag === 'string' ? fromFlag : undefined) ?? environment[variable] ?? fromFile[variable];
  }
  try {
    return { kind: 'run', config: loadConfig('agent', agentConfigSchema, merged) };
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    // Operators set the agent by flag as often as by variable: name both.
    throw new ConfigValidationError(
      'agent',
      error.problems.map(({ variable, problem }) => {
        const flag = agentSettings[variable as AgentVariable];
        return { variable: flag ? `${variable} (flag --${flag})` : variable, problem };
      }),
    );
  }
}

function readConfigFile(readFile: (path: string) => string, path: string): string {
  try {
    return readFile(path);
  } catch (error) {
    throw new ConfigValidationError('agent', [
      { variable: '--config', problem: `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}` },
    ]);
  }
}
