import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Duplex } from 'node:stream';
import type { PlatformKeys } from '@fleetgate/auth';
import type { SshConfig } from '@fleetgate/config';
import { FirewallService } from '@fleetgate/firewall';
import {
  AccessDecisionService,
  type AdmittedConnection,
  type GatewayAuditSink,
  type GatewayEntrance,
  GatewayGauges,
  GatewayHostKeyService,
  GatewayListener,
  type GatewayPolicySource,
  GatewaySession,
  type GatewaySettings,
  GatewaySettingsCache,
  LiveConnectionTracker,
  loadOrCreateHostKey,
  loopbackConnection,
  ProxyProtocolGate,
  type PublicKeyDirectory,
  SessionTracker,
  StoredDeviceHostKeyChanges,
  TargetResolver,
  TunnelRouter,
} from '@fleetgate/gateway';
import { GatewaySecondFactorService, LoginLockoutService } from '@fleetgate/identity';
import type { Logger as PinoLogger } from '@fleetgate/logging';
import { GatewayControlRepository, SessionCloseChannel } from '@fleetgate/queue';
import type { DrainableRecorderFactory } from '@fleetgate/recordings';
import {
  GATEWAY_AUDIT,
  GATEWAY_LOGGER,
  GATEWAY_POLICIES,
  PLATFORM_KEYS,
  PUBLIC_KEY_DIRECTORY,
  SESSION_RECORDERS,
  SSH_CONFIG,
} from '../ssh.constants';

/**
 * Owns the SSH listener: admits connections under the current gateway settings (docs/gateway-policies.md) with the
 * host keys stored in the database (docs/gateway-administration.md), hands each to a GatewaySession, and drains on
 * shutdown.
 */
@Injectable()
export class SshServerService implements OnModuleInit, BeforeApplicationShutdown, GatewayEntrance {
  private readonly logger = new Logger(SshServerService.name);
  private listener?: GatewayListener;
  /** The enabled host keys' private PEMs, read at start and by `reloadHostKeys()`. */
  private hostKeyPems: string[] = [];
  private decisionsFor?: { settings: GatewaySettings; decisions: AccessDecisionService };
  private stopListeningForCloses?: () => void;

  constructor(
    @Inject(SSH_CONFIG) private readonly config: SshConfig,
    @Inject(PLATFORM_KEYS) private readonly keys: PlatformKeys,
    @Inject(GATEWAY_LOGGER) private readonly gatewayLogger: PinoLogger,
    @Inject(PUBLIC_KEY_DIRECTORY) private readonly publicKeys: PublicKeyDirectory,
    @Inject(GATEWAY_POLICIES) private readonly policies: GatewayPolicySource,
    @Inject(GATEWAY_AUDIT) private readonly audit: GatewayAuditSink,
    private readonly firewall: FirewallService,
    private readonly resolver: TargetResolver,
    private readonly registry: TunnelRouter,
    private readonly lockouts: LoginLockoutService,
    private readonly gauges: GatewayGauges,
    private readonly sessions: SessionTracker,
    private readonly closeRequests: SessionCloseChannel,
    @Inject(SESSION_RECORDERS) private readonly recorders: DrainableRecorderFactory,
    private readonly hostKeys: GatewayHostKeyService,
    private readonly liveConnections: LiveConnectionTracker,
    private readonly hostKeyChanges: StoredDeviceHostKeyChanges,
    private readonly settings: GatewaySettingsCache,
    private readonly control: GatewayControlRepository,
    private readonly secondFactor: GatewaySecondFactorService,
  ) {}

  get listening(): boolean {
    return this.listener?.listening ?? false;
  }

  get port(): number {
    return this.listener?.port ?? 0;
  }

  get connectionCount(): number {
    return this.listener?.connectionCount ?? 0;
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
    this.hostKeyPems = await this.enabledHostKeys();
    this.settings.onChange((settings) => (this.gatewayLogger.level = settings.log_level));
    await this.settings.start();
    this.gatewayLogger.level = this.settings.current.log_level;
    this.listener = new GatewayListener({
      host: this.config.ssh.host,
      port: this.config.ssh.port,
      hostKeys: () => this.hostKeyPems,
      settings: this.settings,
      autoBlock: this.control,
      onConnection: (admitted) => this.accept(admitted),
      logger: this.gatewayLogger,
      audit: this.audit,
      proxyProtocol: new ProxyProtocolGate(this.config.ssh.proxyProtocolFrom),
      loginGraceMs: this.config.access.loginGraceMs,
    });
    await this.listener.start();
    this.logger.log(`ssh gateway listening on ${this.config.ssh.host}:${this.port}`);
  }

  /**
   * New connections get the host keys enabled now (a change made through the admin API): the listener builds its
   * next ssh2 server with them. Connections already open keep the key their key exchange used.
   */
  async reloadHostKeys(): Promise<void> {
    this.hostKeyPems = await this.enabledHostKeys();
    this.listener?.invalidate();
    this.logger.log('host keys reloaded');
  }

  /** Before Redis and the database go away: the last recording chunks and session records still need them. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopListeningForCloses?.();
    this.settings.stop();
    const listener = this.listener;
    if (listener) {
      await listener.stop();
      await this.recorders.drain(this.config.shutdownTimeoutMs / 2);
    }
    await this.sessions.stop();
  }

  /**
   * A connection to this SSH server from inside the process, as a person at `clientAddress` (the web terminal's):
   * the listener judges it by that address, and it runs the same `GatewaySession` as a TCP connection does.
   */
  connect(clientAddress: string): Duplex {
    if (!this.listener) throw new Error('the SSH server is not running');
    const { person, gateway } = loopbackConnection(clientAddress);
    this.listener.inject(gateway, clientAddress);
    return person;
  }

  /** Refuses an empty set: no client could connect. */
  private async enabledHostKeys(): Promise<string[]> {
    const keys = await this.hostKeys.enabledPrivateKeys();
    if (keys.length === 0) throw new Error('the gateway has no enabled host key');
    return keys;
  }

  private accept({ connection, clientAddress, socket, settings, credentialFailed }: AdmittedConnection): void {
    const session = new GatewaySession(
      connection,
      {
        resolver: this.resolver,
        decisions: this.decisions(settings),
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
        policies: this.policies,
        secondFactor: this.secondFactor,
        onCredentialFailure: credentialFailed,
        idleTimeoutSeconds: settings.idle_session_timeout,
      },
      clientAddress,
    );
    this.liveConnections.opened(session.id, clientAddress, socket, (reason) => session.disconnect(reason));
    connection.on('close', () => this.liveConnections.closed(session.id));
  }

  /** One decision service per settings version: the attempt budget is a gateway setting. */
  private decisions(settings: GatewaySettings): AccessDecisionService {
    if (this.decisionsFor?.settings !== settings) {
      this.decisionsFor = { settings, decisions: new AccessDecisionService({ maxAuthAttempts: settings.auth_max_attempts }) };
    }
    return this.decisionsFor.decisions;
  }
}
