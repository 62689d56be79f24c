import type { AgentConfig } from '@fleetgate/config';
import type { Logger } from '@fleetgate/logging';
import type { Duplex } from 'node:stream';
import { DeviceSshServer, type DeviceSshServerOptions } from '@fleetgate/agent-ssh-server';
import { toWebSocketUrl } from '@fleetgate/tunnel';
import { Backoff } from './backoff';
import { detectDeviceIdentity, type DeviceIdentity } from './device-identity';
import { loadOrCreateDeviceKey } from './key-store';
import { type Fetch, fetchServerInfo, registerDevice, type Registration } from './registration';
import { TunnelClient } from './tunnel-client';

/** Serves the SSH connections the gateway opens through the tunnel. */
export interface SessionServer {
  serve(stream: Duplex): void;
}

export interface AgentRunnerOptions {
  /** Who registers: this machine unless given (connector mode registers each container as its own device). */
  identity?: DeviceIdentity;
  /** Where the device key lives; the configured path unless given. */
  privateKeyPath?: string;
  /** What serves sessions: this machine's SSH server (real PTYs, local accounts) unless given. */
  createSessionServer?: (options: Omit<DeviceSshServerOptions, 'sftpServerPath'>) => SessionServer;
  /** How the API is called; global fetch unless given (fleet simulations share, count or slow it). */
  fetch?: Fetch;
  /** Reconnect delays; full jitter from 0 to 5 s, doubling to 30 s, unless given. */
  backoff?: Backoff;
  /** Told each time the tunnel comes up or goes down (fleet simulations and tests watch it). */
  onTunnelState?: (state: 'up' | 'down') => void;
}

/** A tunnel that stayed up this long was healthy: the next failure starts the backoff from the bottom again. */
const HEALTHY_CONNECTION_MS = 60_000;

/** The gateway's answers that mean "this token is not accepted": only these make the agent register again. */
const TOKEN_REFUSED_STATUSES = new Set([401, 403]);

/** What the agent keeps between reconnects, so a tunnel reconnect costs the API nothing. */
interface Session {
  registration: Registration;
  tunnelUrl: string;
}

/**
 * The agent's life: register, hold the tunnel, serve SSH sessions through it, and when anything fails, wait
 * (exponential backoff with full jitter) and start over. The token and the tunnel URL are kept across reconnects:
 * after a gateway restart thousands of agents come back without calling the API; only a gateway that refuses the
 * token (401 or 403) makes the agent register again. `stop()` ends it.
 */
export class AgentRunner {
  private stopped = false;
  private tunnel?: TunnelClient;
  private wake?: () => void;

  constructor(
    private readonly config: AgentConfig,
    private readonly version: string,
    private readonly logger: Logger,
    private readonly options: AgentRunnerOptions = {},
  ) {}

  async run(): Promise<void> {
    const key = await loadOrCreateDeviceKey(this.options.privateKeyPath ?? this.config.privateKeyPath);
    const identity =
      this.options.identity ??
      (await detectDeviceIdentity(this.version, {
        hostname: this.config.preferredHostname,
        identity: this.config.preferredIdentity,
      }));
    const fetchImplementation = this.options.fetch ?? fetch;
    let session: Session | null = null;
    let assertionKey: string | null = null;
    const createSessionServer =
      this.options.createSessionServer ?? ((options) => new DeviceSshServer(options));
    const sshServer = createSessionServer({
      hostKeyPem: key.privateKeyPem,
      deviceUid: () => session?.registration.uid ?? '',
      deviceName: () => session?.registration.name ?? identity.hostname,
      assertionKey: () => assertionKey,
      logger: this.logger,
    });
    this.logger.info(
      {
        event: 'ready',
        server: this.config.serverAddress,
        tenantId: this.config.tenantId,
        mac: identity.mac,
        hostname: identity.hostname,
        newKey: key.created,
      },
      'agent ready',
    );

    const backoff = this.options.backoff ?? new Backoff();
    while (!this.stopped) {
      const startedAt = Date.now();
      try {
        if (!session) {
          const registration = await registerDevice(
            this.config.serverAddress,
            {
              tenantId: this.config.tenantId,
              publicKeyPem: key.publicKeyPem,
              privateKeyPem: key.privateKeyPem,
              identity,
              preferredHostname: this.options.identity?.hostname ?? this.config.preferredHostname,
            },
            fetchImplementation,
          );
          const info = await fetchServerInfo(this.config.serverAddress, fetchImplementation);
          session = { registration, tunnelUrl: info.endpoints.tunnel ?? toWebSocketUrl(this.config.serverAddress) };
          this.logger.info(
            {
              event: 'registered',
              uid: registration.uid,
              name: registration.name,
              namespace: registration.namespace,
            },
            `registered as ${registration.namespace}.${registration.name}; reach it with: ssh <user>@${registration.namespace}.${registration.name}@${(info.endpoints.ssh ?? '').replace(/:(\d+)$/, ' -p $1')}`,
          );
        }
        let up = false;
        this.tunnel = new TunnelClient({
          tunnelUrl: session.tunnelUrl,
          token: session.registration.token,
          pingSeconds: this.config.heartbeatIntervalSeconds,
          logger: this.logger,
          onHello: (keyPem) => {
            assertionKey = keyPem;
            if (!up) {
              up = true;
              this.options.onTunnelState?.('up');
            }
          },
          onStream: (stream) => sshServer.serve(stream),
        });
        const outcome = await this.tunnel.run();
        if (up) this.options.onTunnelState?.('down');
        if (outcome.refusedStatus !== undefined && TOKEN_REFUSED_STATUSES.has(outcome.refusedStatus)) {
          this.logger.warn({ event: 'token-refused', status: outcome.refusedStatus }, 'the gateway refused the device token; registering again');
          session = null;
        } else {
          this.logger.warn({ event: 'tunnel-down', reason: outcome.reason }, 'tunnel down');
        }
      } catch (error) {
        this.logger.warn(
          { event: 'connect-failed', err: error instanceof Error ? error.message : String(error) },
          'could not reach the server',
        );
      }
      if (this.stopped) break;
      if (Date.now() - startedAt > HEALTHY_CONNECTION_MS) backoff.reset();
      const delay = backoff.next();
      this.logger.info({ event: 'retry', delayMs: delay }, `retrying in ${Math.round(delay / 100) / 10} s`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  stop(): void {
    this.stopped = true;
    this.tunnel?.close();
    this.wake?.();
  }
}
