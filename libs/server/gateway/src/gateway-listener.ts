import { createServer, type AddressInfo, type Server as NetServer, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { type Connection, Server as SshServer, type ServerConfig } from 'ssh2';
import type { Logger } from '@fleetgate/logging';
import { enforceChannelWindows } from '@fleetgate/tunnel';
import { type GatewayAuditEvent, type GatewayAuditSink, reportAudit } from './gateway-audit';
import { ClientAddressRules, type GatewaySettings } from './gateway-settings';
import type { GatewaySettingsCache } from './gateway-settings-cache';
import { plainAddress, type ProxyProtocolGate } from './proxy-protocol';

/** Automatic blocking of client addresses, shared by every gateway process (`GatewayControlRepository`). */
export interface AutoBlockStore {
  blockedUntil(clientAddress: string, now: number): Promise<number>;
  recordFailure(clientAddress: string, limit: number, durationMs: number, now: number): Promise<number>;
}

/** What the listener gives each admitted connection. */
export interface AdmittedConnection {
  connection: Connection;
  clientAddress: string;
  /** The TCP socket the listener admitted, for the live connection's byte counts; absent for an injected connection. */
  socket?: Socket;
  settings: GatewaySettings;
  /** Call when a credential of this connection was checked and wrong: it counts toward the address's block. */
  credentialFailed(): void;
}

export interface GatewayListenerOptions {
  host: string;
  port: number;
  /**
   * The host keys' private PEMs, read whenever a new ssh2 server is built: for every settings version and after
   * `invalidate()` (a host key rotation).
   */
  hostKeys: () => Array<string | Buffer>;
  settings: GatewaySettingsCache;
  autoBlock: AutoBlockStore;
  onConnection: (admitted: AdmittedConnection) => void;
  logger: Logger;
  audit?: GatewayAuditSink;
  now?: () => number;
  /**
   * The L4 balancers whose PROXY headers name the real client (`SSH_PROXY_PROTOCOL_FROM`); without it, every
   * connection is judged by its own TCP peer address.
   */
  proxyProtocol?: ProxyProtocolGate;
  /**
   * How long a connection may take from its first byte to a successful login (OpenSSH's LoginGraceTime); then it
   * is closed. Without it a client that stops in the middle of a packet, or never authenticates, holds its socket
   * (and a place under `max_connections`) for ever. Default 120 s, as OpenSSH.
   */
  loginGraceMs?: number;
}

const DEFAULT_LOGIN_GRACE_MS = 120_000;

interface ProtocolState {
  _protocol?: { _strictMode?: boolean };
  /** The socket ssh2 was handed (`injectSocket`); its typings omit it. */
  _sock?: Duplex;
}

/** What the listener knows of a socket it handed to ssh2, found again when ssh2 reports the connection. */
interface Admission {
  clientAddress: string;
  socket?: Socket;
  /** Closes the connection when it has not logged in within the grace time. */
  grace: NodeJS.Timeout;
}

/**
 * The gateway's SSH listener. It owns the TCP socket so that a connection is judged before any SSH byte is spent
 * on it (allowed and blocked clients, automatic blocks in Redis, the connection limit), then hands it to the ssh2
 * server built for the current settings: ssh2 fixes its algorithm offer, banner and identification string when a
 * server is built, so a new settings version, or new host keys (`invalidate()`), builds a new one and connections
 * already open keep theirs. Connections made inside the process (the web terminal's loopback) enter through
 * `inject()` and are judged by the same address rules.
 */
export class GatewayListener {
  private server?: NetServer;
  private sshServer?: { version: number; hostKeysVersion: number; server: SshServer; rules: ClientAddressRules };
  /** Bumped by `invalidate()`: the next connection builds a server with the host keys read then. */
  private hostKeysVersion = 0;
  private readonly sockets = new Set<Duplex>();
  private readonly admissions = new WeakMap<Duplex, Admission>();
  private readonly connections = new Set<Connection>();

  constructor(private readonly options: GatewayListenerOptions) {}

  get listening(): boolean {
    return Boolean(this.server?.address());
  }

  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  get connectionCount(): number {
    return this.sockets.size;
  }

  /** Builds the first ssh2 server before listening, so that a missing or unusable host key fails the start. */
  async start(): Promise<void> {
    this.current();
    const server = createServer((socket) => {
      // Without TCP_NODELAY every handshake waits ~85 ms on Nagle and delayed ACKs (field-lessons section 0).
      socket.setNoDelay(true);
      const gate = this.options.proxyProtocol;
      const peer = socket.remoteAddress ?? '';
      if (!gate?.isTrusted(peer)) return this.enter(socket, peer, socket);
      // Tracked while the header is read, so that stop() does not wait for a balancer that never sends one.
      socket.on('error', () => undefined);
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      void gate.readHeader(socket).then((admission) => {
        if ('clientAddress' in admission) return this.enter(socket, admission.clientAddress, socket);
        this.audit({ kind: 'proxy-refused', reason: admission.refusal, address: plainAddress(peer) });
        socket.destroy();
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  }

  /**
   * Hands a connection made inside the process (the web terminal's loopback) to the gateway as if `clientAddress`
   * had connected over TCP: the connection limit, the address rules and automatic blocks apply to it too.
   */
  inject(socket: Duplex, clientAddress: string): void {
    if (!this.server?.listening) throw new Error('the SSH gateway is not running');
    this.enter(socket, clientAddress);
  }

  /** New connections get a server built with the host keys read from now on; connections already open keep theirs. */
  invalidate(): void {
    this.hostKeysVersion += 1;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const connection of this.connections) connection.end();
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private current(): { server: SshServer; rules: ClientAddressRules; settings: GatewaySettings } {
    const cache = this.options.settings;
    const settings = cache.current;
    let built = this.sshServer;
    if (built?.version !== cache.version || built.hostKeysVersion !== this.hostKeysVersion) {
      // Built first, kept after: keys that cannot make a server leave the one before in place.
      built = {
        version: cache.version,
        hostKeysVersion: this.hostKeysVersion,
        server: this.buildSshServer(settings),
        rules: new ClientAddressRules(settings),
      };
      this.sshServer = built;
    }
    return { server: built.server, rules: built.rules, settings };
  }

  private buildSshServer(settings: GatewaySettings): SshServer {
    const algorithms: NonNullable<ServerConfig['algorithms']> = {};
    if (settings.encryption_algorithms.length > 0) algorithms.cipher = settings.encryption_algorithms as never;
    if (settings.key_exchange_algorithms.length > 0) algorithms.kex = settings.key_exchange_algorithms as never;
    if (settings.mac_algorithms.length > 0) algorithms.hmac = settings.mac_algorithms as never;
    const hostKeys = this.options.hostKeys();
    if (hostKeys.length === 0) throw new Error('the gateway has no enabled host key');
    const config: ServerConfig = {
      hostKeys,
      ident: settings.server_version,
      algorithms,
      ...(settings.user_auth_banner ? { banner: settings.user_auth_banner } : {}),
      ...(settings.greeting ? { greeting: settings.greeting } : {}),
    };
    return new SshServer(config, (connection, info) => {
      const socket = (connection as unknown as ProtocolState)._sock;
      const admission = socket ? this.admissions.get(socket) : undefined;
      this.handshaking(connection, admission?.clientAddress ?? info.ip, admission?.socket, settings, admission?.grace);
    });
  }

  private enter(socket: Duplex, clientAddress: string, tcp?: Socket): void {
    socket.on('error', () => undefined);
    this.sockets.add(socket);
    const grace = setTimeout(() => {
      this.options.logger.info({ event: 'login-grace-expired', client: clientAddress }, 'closing a connection that did not log in in time');
      socket.destroy();
    }, this.options.loginGraceMs ?? DEFAULT_LOGIN_GRACE_MS);
    grace.unref();
    socket.once('close', () => {
      clearTimeout(grace);
      this.sockets.delete(socket);
    });
    this.admissions.set(socket, { clientAddress, socket: tcp, grace });
    void this.admit(socket, clientAddress).catch((error: unknown) => {
      this.options.logger.error({ err: error }, 'could not admit a connection');
      socket.destroy();
    });
  }

  private async admit(socket: Duplex, clientAddress: string): Promise<void> {
    const { server, rules, settings } = this.current();
    if (settings.max_connections > 0 && this.sockets.size > settings.max_connections) {
      this.options.logger.warn({ event: 'connection-limit', limit: settings.max_connections, client: clientAddress }, 'too many connections');
      return void socket.destroy();
    }
    const refusal = rules.refusal(clientAddress);
    if (refusal) {
      this.audit({ kind: 'client-refused', reason: refusal, address: clientAddress });
      return void socket.destroy();
    }
    if (settings.auto_block_max_auth_attempts > 0) {
      let blockedUntil = 0;
      try {
        blockedUntil = await this.options.autoBlock.blockedUntil(clientAddress, this.now());
      } catch (error) {
        // Redis being away must not lock everyone out; the other checks still stand.
        this.options.logger.warn({ err: error }, 'could not read automatic blocks');
      }
      if (blockedUntil > 0) {
        this.options.logger.info({ event: 'client-blocked', client: clientAddress, until: new Date(blockedUntil).toISOString() }, 'refused a blocked client');
        return void socket.destroy();
      }
    }
    if (socket.destroyed) return;
    // An in-process connection is a Duplex shaped like a socket (remoteAddress, setNoDelay), all ssh2 uses of one.
    server.injectSocket(socket as Socket);
    const gate = this.options.proxyProtocol;
    if (gate?.enabled && socket instanceof Socket && !gate.isTrusted(socket.remoteAddress ?? '')) {
      // Watched only once ssh2 holds the socket (paused): a listener added earlier would let bytes flow past ssh2.
      gate.watchUntrusted(socket, () => {
        this.audit({
          kind: 'proxy-refused',
          reason: 'a PROXY header from an address that is not a trusted balancer (SSH_PROXY_PROTOCOL_FROM)',
          address: clientAddress,
        });
        socket.destroy();
      });
    }
  }

  private handshaking(
    connection: Connection,
    clientAddress: string,
    socket: Socket | undefined,
    settings: GatewaySettings,
    grace: NodeJS.Timeout | undefined,
  ): void {
    this.connections.add(connection);
    connection.on('close', () => this.connections.delete(connection));
    connection.once('ready', () => clearTimeout(grace));
    enforceChannelWindows(connection, (detail) => {
      this.options.logger.warn({ event: 'protocol-violation', client: clientAddress, detail }, 'disconnected a client that overran a channel window');
    });
    if (settings.strict_key_exchange === 'required') {
      connection.once('handshake', () => {
        // ssh2 turns strict key exchange on when the client's first KEXINIT offers it; its flag is not typed.
        if ((connection as unknown as ProtocolState)._protocol?._strictMode === true) return;
        this.audit({ kind: 'strict-kex-refused', reason: 'the client does not support strict key exchange (CVE-2023-48795)', address: clientAddress });
        connection.end();
      });
    }
    if (settings.key_renegotiation_threshold > 0) this.rekeyEvery(connection, settings.key_renegotiation_threshold);
    let failures: Promise<unknown> = Promise.resolve();
    this.options.onConnection({
      connection,
      clientAddress,
      socket,
      settings,
      credentialFailed: () => {
        if (settings.auto_block_max_auth_attempts <= 0) return;
        failures = failures.then(() => this.countFailure(clientAddress, settings));
      },
    });
  }

  private async countFailure(clientAddress: string, settings: GatewaySettings): Promise<void> {
    try {
      const blockedUntil = await this.options.autoBlock.recordFailure(
        clientAddress,
        settings.auto_block_max_auth_attempts,
        settings.auto_block_duration * 1000,
        this.now(),
      );
      if (blockedUntil > 0) {
        this.audit({
          kind: 'client-blocked',
          reason: `${settings.auto_block_max_auth_attempts} failed authentications; blocked until ${new Date(blockedUntil).toISOString()}`,
          address: clientAddress,
        });
      }
    } catch (error) {
      this.options.logger.warn({ err: error }, 'could not count a failed authentication');
    }
  }

  /** ssh2 never starts a key exchange by itself: the gateway does, each time this many more bytes went through. */
  private rekeyEvery(connection: Connection, thresholdBytes: number): void {
    const socket = (connection as unknown as ProtocolState)._sock;
    // An in-process connection has no byte counts, and nothing on the network to protect.
    if (!(socket instanceof Socket)) return;
    let lastRekeyAt = 0;
    socket.on('data', () => {
      const transferred = socket.bytesRead + socket.bytesWritten;
      if (transferred - lastRekeyAt < thresholdBytes) return;
      lastRekeyAt = transferred;
      try {
        connection.rekey();
      } catch {
        // A key exchange is already under way, or the connection is closing.
      }
    });
  }

  private audit(event: Omit<GatewayAuditEvent, 'at'>): void {
    reportAudit(this.options.audit, { ...event, at: new Date(this.now()) }, this.options.logger);
  }
}
