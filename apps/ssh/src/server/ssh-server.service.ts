import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Duplex } from 'node:stream';
import { Server, type Connection } from 'ssh2';
import type { PlatformKeys } from '@fleetgate/auth';
import type { SshConfig } from '@fleetgate/config';
import { FirewallService } from '@fleetgate/firewall';
import {
  AccessDecisionService,
  type GatewayEntrance,
  GatewayGauges,
  type GatewayAuditSink,
  GatewayHostKeyService,
  GatewaySession,
  LiveConnectionTracker,
  loadOrCreateHostKey,
  loopbackConnection,
  type PublicKeyDirectory,
  ReloadableSshListener,
  SessionTracker,
  StoredDeviceHostKeyChanges,
  TargetResolver,
  TunnelRegistry,
} from '@fleetgate/gateway';
import { LoginLockoutService } from '@fleetgate/identity';
import { SessionCloseChannel } from '@fleetgate/queue';
import type { DrainableRecorderFactory } from '@fleetgate/recordings';
import type { Logger as PinoLogger } from '@fleetgate/logging';
import { GATEWAY_AUDIT, GATEWAY_LOGGER, PLATFORM_KEYS, PUBLIC_KEY_DIRECTORY, SESSION_RECORDERS, SSH_CONFIG } from '../ssh.constants';

/** Owns the ssh2 server: listens, hands each connection to a GatewaySession, and drains on shutdown. */
@Injectable()
export class SshServerService implements OnModuleInit, BeforeApplicationShutdown, GatewayEntrance {
  private readonly logger = new Logger(SshServerService.name);
  private listener?: ReloadableSshListener;
  private readonly connections = new Set<Connection>();
  private stopListeningForCloses?: () => void;

  constructor(
    @Inject(SSH_CONFIG) private readonly config: SshConfig,
    @Inject(PLATFORM_KEYS) private readonly keys: PlatformKeys,
    @Inject(GATEWAY_LOGGER) private readonly gatewayLogger: PinoLogger,
    @Inject(PUBLIC_KEY_DIRECTORY) private readonly publicKeys: PublicKeyDirectory,
    private readonly firewall: FirewallService,
    private readonly resolver: TargetResolver,
    private readonly registry: TunnelRegistry,
    private readonly decisions: AccessDecisionService,
    private readonly lockouts: LoginLockoutService,
    private readonly gauges: GatewayGauges,
    private readonly sessions: SessionTracker,
    private readonly closeRequests: SessionCloseChannel,
    @Inject(SESSION_RECORDERS) private readonly recorders: DrainableRecorderFactory,
    private readonly hostKeys: GatewayHostKeyService,
    private readonly liveConnections: LiveConnectionTracker,
    private readonly hostKeyChanges: StoredDeviceHostKeyChanges,
    @Inject(GATEWAY_AUDIT) private readonly audit: GatewayAuditSink,
  ) {}

  get listening(): boolean {
    return this.listener?.listening ?? false;
  }

  get port(): number {
    return this.listener?.address()?.port ?? 0;
  }

  async onModuleInit(): Promise<void> {
    this.sessions.start();
    // Before listening: a session must never exist here without its close route working.
    this.stopListeningForCloses = await this.closeRequests.subscribe((request) => {
      if (this.sessions.closeRequested(request)) this.logger.log(`closed session ${request.uid} as the API asked`);
    });
    // Host keys live in the database, shared by every gateway process; the key file of earlier versions becomes the
    // first stored key, so known_hosts entries stay valid.
    const fileKey = await loadOrCreateHostKey(this.config.ssh.hostKeyDirectory);
    await this.hostKeys.adoptIfNone(fileKey.toString('utf8'));
    this.listener = new ReloadableSshListener(
      (hostKeys) => new Server({ hostKeys, ident: 'Fleetgate' }, (connection, info) => this.accept(connection, info.ip, info.port)),
    );
    await this.listener.listen(this.config.ssh.port, this.config.ssh.host, await this.hostKeys.enabledPrivateKeys());
    this.logger.log(`ssh gateway listening on ${this.config.ssh.host}:${this.port}`);
  }

  /** New connections get the host keys enabled now (a change made through the admin API). */
  async reloadHostKeys(): Promise<void> {
    this.listener?.reload(await this.hostKeys.enabledPrivateKeys());
    this.logger.log('host keys reloaded');
  }

  /** Before Redis and the database go away: the last recording chunks and session records still need them. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopListeningForCloses?.();
    const listener = this.listener;
    if (listener) {
      const closed = listener.close();
      for (const connection of this.connections) connection.end();
      await closed;
      await this.recorders.drain(this.config.shutdownTimeoutMs / 2);
    }
    await this.sessions.stop();
  }

  /**
   * A connection to this SSH server from inside the process, as a person at `clientAddress` (the web terminal's):
   * it runs the same `GatewaySession` as a TCP connection does.
   */
  connect(clientAddress: string): Duplex {
    if (!this.listener) throw new Error('the SSH server is not running');
    const { person, gateway } = loopbackConnection(clientAddress);
    this.listener.inject(gateway as never);
    return person;
  }

  private accept(connection: Connection, clientAddress: string, clientPort: number): void {
    // Without TCP_NODELAY every handshake waits ~85 ms on Nagle and delayed ACKs (field-lessons section 0).
    // ssh2's typings omit Connection.setNoDelay, which forwards to the socket.
    (connection as Connection & { setNoDelay(noDelay: boolean): void }).setNoDelay(true);
    this.connections.add(connection);
    connection.on('close', () => this.connections.delete(connection));
    const session = new GatewaySession(
      connection,
      {
        resolver: this.resolver,
        decisions: this.decisions,
        registry: this.registry,
        publicKeys: this.publicKeys,
        firewall: this.firewall,
        passwordAttempts: this.lockouts,
        gauges: this.gauges,
        sessions: this.sessions,
        signingKeyPem: this.keys.privateKeyPem,
        logger: this.gatewayLogger,
        recorders: this.recorders,
        audit: this.audit,
        hostKeyChanges: this.hostKeyChanges,
        liveConnections: this.liveConnections,
      },
      clientAddress,
    );
    this.liveConnections.opened(session.id, clientAddress, this.listener?.socketOf(clientAddress, clientPort), (reason) => session.disconnect(reason));
    connection.on('close', () => this.liveConnections.closed(session.id));
  }
}
