import type { AgentConfig } from '@fleetgate/config';
import type { Logger } from '@fleetgate/logging';
import { DeviceSshServer } from '@fleetgate/agent-ssh-server';
import { toWebSocketUrl } from '@fleetgate/tunnel';
import { Backoff } from './backoff';
import { detectDeviceIdentity } from './device-identity';
import { loadOrCreateDeviceKey } from './key-store';
import { fetchServerInfo, registerDevice, type Registration } from './registration';
import { TunnelClient } from './tunnel-client';

/** A tunnel that stayed up this long was healthy: the next failure starts the backoff from the bottom again. */
const HEALTHY_CONNECTION_MS = 60_000;

/**
 * The agent's life: register, hold the tunnel, serve SSH sessions through it, and when anything fails, wait
 * (exponential backoff with jitter) and start over. `stop()` ends it.
 */
export class AgentRunner {
  private stopped = false;
  private tunnel?: TunnelClient;
  private wake?: () => void;

  constructor(
    private readonly config: AgentConfig,
    private readonly version: string,
    private readonly logger: Logger,
  ) {}

  async run(): Promise<void> {
    const key = await loadOrCreateDeviceKey(this.config.privateKeyPath);
    const identity = await detectDeviceIdentity(this.version, {
      hostname: this.config.preferredHostname,
      identity: this.config.preferredIdentity,
    });
    let registration: Registration | null = null;
    let assertionKey: string | null = null;
    const sshServer = new DeviceSshServer({
      hostKeyPem: key.privateKeyPem,
      deviceUid: () => registration?.uid ?? '',
      deviceName: () => registration?.name ?? identity.hostname,
      assertionKey: () => assertionKey,
      logger: this.logger,
    });
    this.logger.info({ event: 'ready', server: this.config.serverAddress, tenantId: this.config.tenantId, mac: identity.mac, hostname: identity.hostname, newKey: key.created }, 'agent ready');

    const backoff = new Backoff();
    while (!this.stopped) {
      const startedAt = Date.now();
      try {
        registration = await registerDevice(this.config.serverAddress, {
          tenantId: this.config.tenantId,
          publicKeyPem: key.publicKeyPem,
          identity,
          preferredHostname: this.config.preferredHostname,
        });
        const info = await fetchServerInfo(this.config.serverAddress);
        const tunnelUrl = info.endpoints.tunnel ?? toWebSocketUrl(this.config.serverAddress);
        this.logger.info(
          { event: 'registered', uid: registration.uid, name: registration.name, namespace: registration.namespace },
          `registered as ${registration.namespace}.${registration.name}; reach it with: ssh <user>@${registration.namespace}.${registration.name}@${(info.endpoints.ssh ?? '').replace(/:(\d+)$/, ' -p $1')}`,
        );
        this.tunnel = new TunnelClient({
          tunnelUrl,
          token: registration.token,
          pingSeconds: this.config.heartbeatIntervalSeconds,
          logger: this.logger,
          onHello: (keyPem) => (assertionKey = keyPem),
          onStream: (stream) => sshServer.serve(stream),
        });
        const outcome = await this.tunnel.run();
        this.logger.warn({ event: 'tunnel-down', reason: outcome.reason }, 'tunnel down');
      } catch (error) {
        this.logger.warn({ event: 'connect-failed', err: error instanceof Error ? error.message : String(error) }, 'could not reach the server');
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
