import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import type { Redis } from 'ioredis';
import { Server } from 'ssh2';
import { DeviceSshServer } from '@fleetgate/agent-ssh-server';
import { TunnelClient } from '@fleetgate/agent-device';
import { loadOrCreatePlatformKeys, type PlatformKeys, signDeviceToken } from '@fleetgate/auth';
import type {
  DeviceDocument,
  DevicesRepository,
  FirewallRuleDocument,
  NamespacesRepository,
  PublicKeyDocument,
} from '@fleetgate/data-access';
import {
  AccessDecisionService,
  GatewayGauges,
  GatewaySession,
  loadOrCreateHostKey,
  type PresenceBatcher,
  type TargetLookup,
  type TargetResolver,
  TunnelAdmission,
  TunnelEndpoint,
  TunnelRegistry,
} from '@fleetgate/gateway';
import { DeviceAdmissionRepository } from '@fleetgate/queue';
import { Clock, LoginLockoutService } from '@fleetgate/identity';
import { createLogger } from '@fleetgate/logging';
import { type HealthServer, startHealthServer } from '@fleetgate/observability';

const TENANT = '00000000-0000-4000-8000-0000000000aa';

export interface PathSettings {
  maxAuthAttempts?: number;
  maxLockoutMinutes?: number;
}

/**
 * The device path in one process, over real sockets: an ssh2 server running `GatewaySession`s, the gateway's HTTP
 * side with `TunnelEndpoint` and `TunnelRegistry`, and a device whose agent is the real `TunnelClient` and
 * `DeviceSshServer`. The database's answers (namespace, device, keys, firewall rules) are the in-memory `facts`, which
 * a test edits; the login lockout uses the real Redis. People connect with OpenSSH or ssh2 to `sshPort`.
 */
export class TunnelPath {
  readonly namespace = { name: 'acme', tenant_id: TENANT };
  readonly device: DeviceDocument;
  readonly facts: { keys: Map<string, PublicKeyDocument>; rules: FirewallRuleDocument[]; namespaceExists: boolean };
  /** Every stream the agent received from the gateway, for counting. */
  readonly agentStreams: Duplex[] = [];
  readonly gauges = new GatewayGauges();
  sshPort = 0;
  httpPort = 0;
  private readonly registry = new TunnelRegistry();
  private endpoint?: TunnelEndpoint;
  private sshServer?: Server;
  private http?: HealthServer;
  private agent?: TunnelClient;
  private agentRun?: Promise<unknown>;
  private scratch = '';
  private readonly logger = createLogger({ service: 'tunnel-path-test', level: 'silent' });
  private readonly devicePrivateKeyPem: string;

  constructor(
    private readonly redis: Redis,
    private readonly redisPrefix: string,
    private readonly settings: PathSettings = {},
    deviceName = 'prod-pi',
    tags: string[] = ['prod'],
  ) {
    const pair = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'pkcs1', format: 'pem' },
    });
    this.devicePrivateKeyPem = pair.privateKey;
    this.device = {
      uid: randomBytes(32).toString('hex'),
      tenant_id: TENANT,
      name: deviceName,
      status: 'accepted',
      tags,
      public_key: pair.publicKey,
    } as DeviceDocument;
    this.facts = { keys: new Map(), rules: [], namespaceExists: true };
  }

  async start(): Promise<void> {
    this.scratch = await mkdtemp(join(tmpdir(), 'fleetgate-tunnel-path-'));
    const keys: PlatformKeys = await loadOrCreatePlatformKeys(join(this.scratch, 'keys'));
    const hostKey = await loadOrCreateHostKey(join(this.scratch, 'hostkeys'));
    const devices = { findOne: async () => this.device } as unknown as DevicesRepository;
    const presence = { online: () => undefined, seen: () => undefined, offline: () => undefined } as unknown as PresenceBatcher;
    const admissionStates = new DeviceAdmissionRepository(this.redis, this.redisPrefix);
    const namespaces = { findOne: async () => (this.facts.namespaceExists ? this.namespace : null) } as unknown as NamespacesRepository;
    this.endpoint = new TunnelEndpoint(
      this.registry,
      presence,
      new TunnelAdmission(admissionStates, devices, namespaces),
      admissionStates,
      keys,
      { pingSeconds: 30, missedPings: 3 },
      this.logger,
    );
    this.endpoint.start();
    this.http = await startHealthServer(
      '127.0.0.1',
      0,
      async () => ({ status: 'ok' }) as never,
      (request, socket, head) => this.endpoint?.handleUpgrade(request, socket, head),
      () => ({ tunnels: this.registry.size, ...this.gauges.snapshot() }),
    );
    this.httpPort = this.http.port;

    const resolver = {
      lookup: async (): Promise<TargetLookup> => ({
        namespace: this.facts.namespaceExists ? this.namespace : null,
        device: this.device,
      }),
    } as unknown as TargetResolver;
    const lockouts = new LoginLockoutService(this.redis, this.redisPrefix, { maxMinutes: this.settings.maxLockoutMinutes ?? 60 }, new Clock());
    const context = {
      resolver,
      decisions: new AccessDecisionService({ maxAuthAttempts: this.settings.maxAuthAttempts ?? 6 }),
      firewall: { activeRules: async () => this.facts.rules.filter((rule) => rule.active) },
      registry: this.registry,
      publicKeys: { findByFingerprint: async (_scope: unknown, fingerprint: string) => this.facts.keys.get(fingerprint) ?? null },
      passwordAttempts: lockouts,
      gauges: this.gauges,
      signingKeyPem: keys.privateKeyPem,
      logger: this.logger,
    };
    const server = new Server({ hostKeys: [hostKey], ident: 'Fleetgate' }, (connection, info) => {
      new GatewaySession(connection, context, info.ip);
    });
    this.sshServer = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    this.sshPort = (server.address() as { port: number }).port;

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
      token: signDeviceToken(keys, { uid: this.device.uid, tenantId: TENANT }),
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
    await withTimeout(new Promise<void>((resolve) => (this.sshServer ? this.sshServer.close(() => resolve()) : resolve())), 5_000, "the ssh server to close").catch(() => undefined);
    await this.http?.close();
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
