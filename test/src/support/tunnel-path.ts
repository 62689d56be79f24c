import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { DeviceSshServer } from '@fleetgate/agent-ssh-server';
import { TunnelClient } from '@fleetgate/agent-device';
import { loadOrCreatePlatformKeys, type PlatformKeys, signDeviceToken } from '@fleetgate/auth';
import {
  AuthenticationPoliciesRepository,
  ChannelPoliciesRepository,
  type DeviceDocument,
  DevicePresenceRepository,
  DevicePresenceStore,
  DevicesRepository,
  FirewallRulesRepository,
  GatewaySettingsRepository,
  MembershipsRepository,
  type NamespaceDocument,
  NamespacesRepository,
  PublicKeysRepository,
  SessionsRepository,
  type TenantScope,
  tenantScope,
  UsersRepository,
} from '@fleetgate/data-access';
import { FirewallService } from '@fleetgate/firewall';
import {
  AccessDecisionService,
  AuthenticationPolicyService,
  ChannelPoliciesService,
  type GatewayAuditEvent,
  type GatewayEntrance,
  GatewayGauges,
  type GatewayContext,
  GatewayListener,
  GatewaySession,
  GatewaySettingsCache,
  GatewaySettingsService,
  loadOrCreateHostKey,
  loopbackConnection,
  PresenceBatcher,
  type PublicKeyDirectory,
  SessionTracker,
  type SessionRecorderFactory,
  TargetResolver,
  TunnelAdmission,
  TunnelEndpoint,
  TunnelRegistry,
} from '@fleetgate/gateway';
import { DeviceAdmissionRepository, GatewayControlRepository, SessionCloseChannel } from '@fleetgate/queue';
import { Clock, GatewaySecondFactorService, LoginLockoutService, MfaStateRepository } from '@fleetgate/identity';
import { createLogger } from '@fleetgate/logging';
import { type HealthServer, startHealthServer } from '@fleetgate/observability';
import { PublicKeysService } from '@fleetgate/public-keys';
import { TagsService } from '@fleetgate/tags';
import { persist, type TestContext } from '@fleetgate/testing';

export interface PathSettings {
  maxAuthAttempts?: number;
  maxLockoutMinutes?: number;
  /** How often the gateway keeps its session records alive (apps/ssh: SESSION_KEEPALIVE_SECONDS). */
  sessionKeepaliveSeconds?: number;
  /** Session recording, as apps/ssh wires it; none by default. */
  recorders?: SessionRecorderFactory;
}

/** The gateway's clock, which a test may move forward (automatic blocks, lockouts, TOTP steps). */
export class MovableClock extends Clock {
  offsetMs = 0;

  override now(): number {
    return Date.now() + this.offsetMs;
  }
}

/** A gateway process of the path: its own listener and settings cache over the shared stores. */
export interface PathGateway {
  port: number;
  settings: GatewaySettingsCache;
  /** Hands an in-process connection to this gateway's listener (`GatewayListener.inject`), as from `clientAddress`. */
  inject(socket: Duplex, clientAddress: string): void;
  stop(): Promise<void>;
}

/**
 * The device path in one process, over real sockets and on the real database and Redis of the test file's
 * `TestContext`: a `GatewayListener` running `GatewaySession`s wired as apps/ssh wires them (`TargetResolver` on the
 * namespaces and devices repositories, `FirewallService`, `PublicKeysService`, the login lockout, the channel and
 * authentication policies, gateway MFA, the gateway settings cache, session records, recordings when `PathSettings`
 * give a recorder factory, an audit sink that keeps events), the gateway's HTTP
 * side with `TunnelEndpoint`, `TunnelRegistry`, `TunnelAdmission` and a `PresenceBatcher`, and a device whose agent is
 * the real `TunnelClient` and `DeviceSshServer`. `start()` writes the namespace and the accepted device; a test
 * arranges keys and firewall rules through `services` (the API's own libraries) and changes state through them or
 * through `repositories`. Redis keys live under a prefix of this path's own, so that a lockout never outlives its
 * test; `stop()` deletes the tenant's documents. People connect with OpenSSH or ssh2 to `sshPort`, or in process
 * through `connect()` as the web terminal does. Host keys come from a key file here, not from the database.
 */
export class TunnelPath implements GatewayEntrance {
  readonly tenantId = randomUUID();
  readonly scope: TenantScope = tenantScope(this.tenantId);
  /** The namespace and the device as stored by `start()`. */
  namespace!: NamespaceDocument;
  device!: DeviceDocument;
  readonly repositories: {
    namespaces: NamespacesRepository;
    devices: DevicesRepository;
    publicKeys: PublicKeysRepository;
    firewallRules: FirewallRulesRepository;
    sessions: SessionsRepository;
  };
  /** The libraries the API serves these resources with. */
  readonly services: {
    publicKeys: PublicKeysService;
    firewall: FirewallService;
    tags: TagsService;
    channelPolicies: ChannelPoliciesService;
    authenticationPolicy: AuthenticationPolicyService;
    gatewaySettings: GatewaySettingsService;
  };
  /** What the gateways reported to the audit sink. */
  readonly auditEvents: GatewayAuditEvent[] = [];
  readonly clock = new MovableClock();
  /** The platform keys of this path (MFA secrets are sealed with them). */
  keys!: PlatformKeys;
  readonly admissionStates: DeviceAdmissionRepository;
  readonly control: GatewayControlRepository;
  /** Every stream the agent received from the gateway, for counting. */
  readonly agentStreams: Duplex[] = [];
  readonly gauges = new GatewayGauges();
  /**
   * The gateway's session records, wired as apps/ssh wires them. Close requests travel on the test context's own
   * Redis prefix (not this path's), so that an API started on the same context reaches this gateway.
   */
  readonly sessions: SessionTracker;
  private stopListeningForCloses?: () => void;
  sshPort = 0;
  httpPort = 0;
  private readonly registry = new TunnelRegistry();
  private readonly redisPrefix: string;
  private presence?: PresenceBatcher;
  private endpoint?: TunnelEndpoint;
  private readonly running: PathGateway[] = [];
  private gatewayContext?: Omit<GatewayContext, 'decisions'>;
  private hostKey: Buffer = Buffer.alloc(0);
  private http?: HealthServer;
  private agent?: TunnelClient;
  private agentRun?: Promise<unknown>;
  private scratch = '';
  private readonly logger = createLogger({ service: 'tunnel-path-test', level: 'silent' });
  private readonly devicePrivateKeyPem: string;
  private readonly devicePublicKeyPem: string;

  constructor(
    private readonly context: TestContext,
    private readonly settings: PathSettings = {},
    private readonly deviceName = 'prod-pi',
    private readonly tags: string[] = ['prod'],
    private readonly namespaceName = 'acme',
  ) {
    const pair = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'pkcs1', format: 'pem' },
    });
    this.devicePrivateKeyPem = pair.privateKey;
    this.devicePublicKeyPem = pair.publicKey;
    this.redisPrefix = `${context.redisPrefix}:path-${randomBytes(4).toString('hex')}`;
    const { models } = context;
    this.repositories = {
      namespaces: new NamespacesRepository(models.namespaces),
      devices: new DevicesRepository(models.devices),
      publicKeys: new PublicKeysRepository(models.publicKeys),
      firewallRules: new FirewallRulesRepository(models.firewallRules),
      sessions: new SessionsRepository(models.sessions),
    };
    this.sessions = new SessionTracker(
      this.repositories.sessions,
      () => null,
      { keepaliveSeconds: settings.sessionKeepaliveSeconds ?? 30 },
      () => undefined,
    );
    this.admissionStates = new DeviceAdmissionRepository(context.redis, this.redisPrefix);
    this.control = new GatewayControlRepository(context.redis, this.redisPrefix);
    this.services = {
      publicKeys: new PublicKeysService(this.repositories.publicKeys),
      firewall: new FirewallService(this.repositories.firewallRules),
      tags: new TagsService(this.repositories.devices, this.repositories.publicKeys, this.repositories.firewallRules),
      channelPolicies: new ChannelPoliciesService(new ChannelPoliciesRepository(models.channelPolicies)),
      authenticationPolicy: new AuthenticationPolicyService(new AuthenticationPoliciesRepository(models.authenticationPolicies)),
      gatewaySettings: new GatewaySettingsService(new GatewaySettingsRepository(models.gatewaySettings), this.control),
    };
  }

  /**
   * What `NamespacesService.delete` does to the stores the gateway reads: the namespace document goes, the tenant is
   * recorded as deleted for tunnel admission and its tunnels are revoked. The device stays, as it does until the
   * worker's cleanup job removes a deleted namespace's contents.
   */
  async deleteNamespace(): Promise<void> {
    if (!(await this.repositories.namespaces.deleteOne(this.scope, {}))) throw new Error('the namespace was already gone');
    await this.admissionStates.markTenantDeleted(this.tenantId);
    await this.admissionStates.revoke({ tenantId: this.tenantId, reason: 'namespace deleted' });
    await this.context.models.memberships.deleteMany({ tenant_id: this.tenantId });
  }

  async start(): Promise<void> {
    const { connection, models, redis } = this.context;
    this.namespace = await persist.namespace(connection, { tenant_id: this.tenantId, name: this.namespaceName });
    this.device = await persist.device(connection, {
      tenant_id: this.tenantId,
      name: this.deviceName,
      status: 'accepted',
      tags: this.tags,
      public_key: this.devicePublicKeyPem,
    });

    this.scratch = await mkdtemp(join(tmpdir(), 'fleetgate-tunnel-path-'));
    const keys: PlatformKeys = await loadOrCreatePlatformKeys(join(this.scratch, 'keys'));
    this.keys = keys;
    this.hostKey = await loadOrCreateHostKey(join(this.scratch, 'hostkeys'));
    const { namespaces, devices } = this.repositories;
    // As apps/ssh's tunnel.providers.ts wires it, with apps/ssh's gathering window.
    this.presence = new PresenceBatcher(
      new DevicePresenceStore(redis, this.redisPrefix),
      new DevicePresenceRepository(models.devices),
      { expirySeconds: 60, refreshSeconds: 30, lastSeenSeconds: 60, flushMs: 200 },
      () => undefined,
    );
    this.presence.start();
    this.endpoint = new TunnelEndpoint(
      this.registry,
      this.presence,
      new TunnelAdmission(this.admissionStates, devices, namespaces),
      this.admissionStates,
      keys,
      { pingSeconds: 30, missedPings: 3 },
      this.logger,
    );
    await this.endpoint.start();
    this.http = await startHealthServer(
      '127.0.0.1',
      0,
      async () => ({ status: 'ok' }) as never,
      (request, socket, head) => this.endpoint?.handleUpgrade(request, socket, head),
      () => ({ tunnels: this.registry.size, ...this.gauges.snapshot() }),
    );
    this.httpPort = this.http.port;

    // apps/ssh's NamespacePublicKeyDirectory: the API's keys, by fingerprint within the tenant.
    const publicKeys: PublicKeyDirectory = {
      findByFingerprint: (scope, fingerprint) => this.services.publicKeys.findForTenantByFingerprint(scope, fingerprint),
    };
    this.sessions.start();
    this.stopListeningForCloses = await new SessionCloseChannel(redis, this.context.redisPrefix).subscribe((request) =>
      this.sessions.closeRequested(request),
    );
    const lockouts = new LoginLockoutService(redis, this.redisPrefix, { maxMinutes: this.settings.maxLockoutMinutes ?? 60 }, this.clock);
    this.gatewayContext = {
      resolver: new TargetResolver(namespaces, devices),
      firewall: this.services.firewall,
      registry: this.registry,
      publicKeys,
      passwordAttempts: lockouts,
      gauges: this.gauges,
      sessions: this.sessions,
      signingKeyPem: keys.privateKeyPem,
      logger: this.logger,
      recorders: this.settings.recorders,
      now: () => this.clock.now(),
      // As apps/ssh's policy.providers.ts wires them.
      policies: {
        activeChannelPolicies: (scope) => this.services.channelPolicies.activePolicies(scope),
        authenticationPolicy: (scope) => this.services.authenticationPolicy.get(scope),
      },
      secondFactor: new GatewaySecondFactorService(
        new UsersRepository(models.users),
        new MembershipsRepository(models.memberships),
        new MfaStateRepository(redis, this.redisPrefix),
        lockouts,
        this.clock,
        keys,
      ),
      audit: { record: (event) => void this.auditEvents.push(event) },
    };
    this.sshPort = (await this.startGateway()).port;

    let assertionKey: string | null = null;
    const deviceServer = new DeviceSshServer({
      hostKeyPem: this.devicePrivateKeyPem,
      deviceUid: () => this.device.uid,
      deviceName: () => this.device.name,
      assertionKey: () => assertionKey,
      logger: this.logger,
    });
    let connected!: () => void;
    const up = new Promise<void>((resolve) => (connected = resolve));
    this.agent = new TunnelClient({
      tunnelUrl: `ws://127.0.0.1:${this.httpPort}`,
      token: signDeviceToken(keys, { uid: this.device.uid, tenantId: this.tenantId }),
      pingSeconds: 30,
      logger: this.logger,
      onHello: (key) => {
        assertionKey = key;
        connected();
      },
      onStream: (stream) => {
        this.agentStreams.push(stream);
        deviceServer.serve(stream);
      },
    });
    this.agentRun = this.agent.run();
    await withTimeout(up, 10_000, 'the agent tunnel');
  }

  /**
   * A connection to the first gateway process's SSH listener from inside the process, as apps/ssh's web terminal
   * makes one (`SshServerService.connect`): judged by the listener as a person at `clientAddress`.
   */
  connect(clientAddress: string): Duplex {
    const first = this.running[0];
    if (!first) throw new Error('the path is not started');
    const { person, gateway } = loopbackConnection(clientAddress);
    first.inject(gateway, clientAddress);
    return person;
  }

  /**
   * Starts a gateway process on the path's stores, as apps/ssh's SshServerService does: a listener admitting
   * connections under its own cache of the gateway settings. The first one is started by `start()`; a second one
   * stands for another gateway process (auto-blocks and settings are shared through the database and Redis).
   */
  async startGateway(): Promise<PathGateway> {
    const shared = this.gatewayContext;
    if (!shared) throw new Error('start() the path first');
    const settings = GatewaySettingsCache.withConfiguredDefaults(
      {
        find: () => new GatewaySettingsRepository(this.context.models.gatewaySettings).find(),
        subscribeToSettings: (onChange) => this.control.subscribeToSettings(onChange),
      },
      { maxAuthAttempts: this.settings.maxAuthAttempts ?? 6, logLevel: 'silent' },
      this.logger,
    );
    await settings.start();
    const listener = new GatewayListener({
      host: '127.0.0.1',
      port: 0,
      hostKeys: () => [this.hostKey],
      settings,
      autoBlock: this.control,
      logger: this.logger,
      audit: shared.audit,
      now: () => this.clock.now(),
      onConnection: ({ connection, clientAddress, settings: current, credentialFailed }) => {
        new GatewaySession(
          connection,
          {
            ...shared,
            decisions: new AccessDecisionService({ maxAuthAttempts: current.auth_max_attempts }),
            onCredentialFailure: credentialFailed,
            idleTimeoutSeconds: current.idle_session_timeout,
          },
          clientAddress,
        );
      },
    });
    await listener.start();
    const gateway: PathGateway = {
      port: listener.port,
      settings,
      inject: (socket, clientAddress) => listener.inject(socket, clientAddress),
      stop: async () => {
        settings.stop();
        await withTimeout(listener.stop(), 5_000, 'the ssh listener to close').catch(() => undefined);
      },
    };
    this.running.push(gateway);
    return gateway;
  }

  /** The gateway processes started so far, the first one included. */
  gateways(): PathGateway[] {
    return [...this.running];
  }

  /** Streams the agent holds that the gateway has not closed. */
  openAgentStreams(): number {
    return this.agentStreams.filter((stream) => !stream.destroyed && !stream.readableEnded).length;
  }

  async metrics(): Promise<{ tunnels: number; sessions: number; pickupsWaiting: number; streamsOpen: number }> {
    const response = await fetch(`http://127.0.0.1:${this.httpPort}/metrics`, { signal: AbortSignal.timeout(5_000) });
    return (await response.json()) as never;
  }

  async stop(): Promise<void> {
    this.agent?.close();
    await withTimeout(this.agentRun ?? Promise.resolve(), 5_000, 'the agent to stop').catch(() => undefined);
    for (const stream of this.agentStreams) stream.destroy();
    this.endpoint?.stop();
    for (const gateway of this.running.splice(0)) await gateway.stop();
    await this.http?.close();
    await this.presence?.stop();
    this.stopListeningForCloses?.();
    await this.sessions.stop();
    const { models } = this.context;
    const tenant = { tenant_id: this.tenantId };
    await Promise.all([
      models.namespaces.deleteMany(tenant),
      models.devices.deleteMany(tenant),
      models.publicKeys.deleteMany(tenant),
      models.firewallRules.deleteMany(tenant),
      models.sessions.deleteMany(tenant),
      models.channelPolicies.deleteMany(tenant),
      models.authenticationPolicies.deleteMany(tenant),
      models.gatewaySettings.deleteMany({}),
    ]);
    await rm(this.scratch, { recursive: true, force: true });
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    }),
  ]);
}
