import { createHash, randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { type AuthContext, type AuthenticationType, type Client, type Connection, utils } from 'ssh2';
import type { FirewallRuleDocument, PublicKeyDocument, TenantScope } from '@fleetgate/data-access';
import type { Logger } from '@fleetgate/logging';
import { signSessionAssertion } from '@fleetgate/tunnel';
import type { AccessDecisionService, AccessVerdict, ResolvedTarget, Resolution } from './access-decision';
import { sendAuthBanner } from './auth-banner';
import { type ChannelRelay, relayChannels } from './channel-relay';
import { connectToDevice, DeviceRefusedError, HostKeyChangedError, LoginAbandonedError } from './device-link';
import type { DeviceHostKeyChanges } from './device-host-key-changes';
import type { GatewayAuditSink } from './gateway-audit';
import type { GatewayGauges } from './gateway-gauges';
import type { SessionRecorder, SessionRecorderFactory } from './session-recorder';
import type { SessionTracker, TerminableSession } from './session-tracker';
import { sha256Fingerprint } from './gateway-host-keys';
import type { LoggedIn } from './live-connections';
import { parseSshid } from './sshid';
import type { TargetResolver } from './target-resolver';
import { TunnelUnavailableError, type TunnelRegistry } from './tunnel-registry';

/** The namespace's public key registered under a fingerprint, if any. */
export interface PublicKeyDirectory {
  findByFingerprint(scope: TenantScope, fingerprint: string): Promise<Pick<PublicKeyDocument, 'username' | 'filter'> | null>;
}

/** The namespace's active firewall rules. */
export interface FirewallRuleSource {
  activeRules(scope: TenantScope): Promise<FirewallRuleDocument[]>;
}

/** One settled password attempt (`LoginLockoutService` tickets). */
export interface PasswordAttemptTicket {
  /** Answers the end of the lockout this failure starts (ms since the epoch), or 0. */
  failed(): Promise<number>;
  succeeded(): Promise<void>;
  release(): Promise<void>;
}

/** The login lockout shared with the API: per (client address, subject), checked one attempt at a time. */
export interface PasswordAttempts {
  begin(
    clientAddress: string,
    subject: string,
  ): Promise<{ granted: true; ticket: PasswordAttemptTicket } | { granted: false; reason: 'locked' | 'busy'; retryAt: number }>;
}

export interface GatewayContext {
  resolver: TargetResolver;
  decisions: AccessDecisionService;
  firewall: FirewallRuleSource;
  registry: TunnelRegistry;
  publicKeys: PublicKeyDirectory;
  passwordAttempts: PasswordAttempts;
  gauges: GatewayGauges;
  /** The session records of this gateway process (created, authenticated, kept alive, closed). */
  sessions: SessionTracker;
  /** The platform private key that signs session assertions. */
  signingKeyPem: string;
  logger: Logger;
  /** Records sessions of namespaces that ask for it; absent, nothing is recorded. */
  recorders?: SessionRecorderFactory;
  now?: () => number;
  /** The audit log: logins, refusals with their reason, blocks. */
  audit?: GatewayAuditSink;
  /** Records a device that presented another host key than the pinned one. */
  hostKeyChanges?: DeviceHostKeyChanges;
  /** The process's live connections, told who logged in where. */
  liveConnections?: { loggedIn(sessionId: string, details: LoggedIn): void };
}

const METHODS: AuthenticationType[] = ['publickey', 'password'];

/** The legacy MD5 fingerprint ShellHub stores for public keys: "aa:bb:...". */
export function md5Fingerprint(keyBlob: Buffer): string {
  return createHash('md5').update(keyBlob).digest('hex').replace(/(..)(?!$)/g, '$1:');
}

/**
 * One person's SSH connection to the gateway: gathers the facts (what the SSHID names, the tunnel, the firewall
 * rules, the key, the lockout), follows the `AccessDecisionService`'s verdicts, logs into the device through its
 * tunnel, then relays every channel. Whatever it opened towards the device ends when the person leaves.
 */
export class GatewaySession implements TerminableSession {
  readonly id = randomBytes(32).toString('hex');
  /**
   * The uid of this connection's session record, set once the connection resolved its device (ShellHub's session
   * uid: 64 hex digits); frames, logs and `POST /api/sessions/{uid}/close` name the session by it.
   */
  sessionUid?: string;
  private typed = false;
  private resolution?: Promise<Resolution>;
  private firewallVerdict?: Promise<AccessVerdict>;
  private readonly explained = new Set<string>();
  private device?: Client;
  private relayed?: ChannelRelay;
  private target?: ResolvedTarget;
  private recorder?: Promise<SessionRecorder | null>;
  private failures = 0;
  /** What the person asked for and, once resolved, the device: the audit log's context. */
  private login = '';
  private readonly left = new AbortController();
  private readonly logger: Logger;
  private readonly sessionClosed: () => void;

  constructor(
    private readonly person: Connection,
    private readonly context: GatewayContext,
    readonly clientAddress: string,
  ) {
    this.logger = context.logger.child({ session: this.id, client: clientAddress });
    this.sessionClosed = context.gauges.sessionOpened();
    person.on('authentication', (auth) =>
      void this.authenticate(auth).catch((error: unknown) => {
        this.logger.error({ err: error }, 'authentication failed unexpectedly');
        if (!this.left.signal.aborted) auth.reject(METHODS);
      }),
    );
    person.on('ready', () => this.relay());
    person.on('error', (error) => this.logger.debug({ err: error.message }, 'client connection error'));
    person.on('close', () => {
      this.left.abort();
      this.device?.end();
      void this.recorder?.then((recorder) => recorder?.close());
      this.sessionClosed();
      if (this.sessionUid) void context.sessions.closed(this.sessionUid);
      this.logger.info({ event: 'session-closed' }, 'session closed');
    });
  }

  private get gone(): boolean {
    return this.left.signal.aborted;
  }

  private async authenticate(auth: AuthContext): Promise<void> {
    this.login ||= auth.username;
    this.resolution ??= this.resolve(auth.username);
    const resolution = await this.resolution;
    if (this.gone) return;
    if (!resolution.ok) return this.refuse(auth, resolution.reason);
    const { target } = resolution;
    this.track(target);
    this.target = target;
    const { decisions } = this.context;
    const reachable = decisions.reachable(target, this.context.registry.isConnected(target.device.uid));
    if (!reachable.allowed) return this.refuse(auth, reachable.reason);
    this.firewallVerdict ??= this.checkFirewall(target);
    const firewall = await this.firewallVerdict;
    if (this.gone) return;
    if (!firewall.allowed) return this.refuse(auth, firewall.reason, 'firewall-denied');

    if (auth.method === 'publickey') {
      const key = await this.context.publicKeys.findByFingerprint(target.scope, md5Fingerprint(auth.key.data));
      if (this.gone) return;
      const verdict = decisions.publicKey(target, key);
      if (!verdict.allowed) return this.fail(auth, verdict.reason);
      // Without a signature the client only asks whether the key would do; the signed attempt proves possession.
      if (!auth.signature) return auth.accept();
      const parsed = utils.parseKey(auth.key.data);
      if (parsed instanceof Error || !auth.blob || parsed.verify(auth.blob, auth.signature, auth.hashAlgo) !== true) {
        return this.fail(auth);
      }
      if ((await this.openDevice(auth, target, 'publickey')) === 'refused') this.fail(auth);
      return;
    }
    if (auth.method === 'password') return this.passwordLogin(auth, target, auth.password);
    return auth.reject(METHODS);
  }

  /** The firewall decides once per connection, before any credential is looked at. */
  private async checkFirewall(target: ResolvedTarget): Promise<AccessVerdict> {
    const rules = await this.context.firewall.activeRules(target.scope);
    const verdict = this.context.decisions.firewall(target, rules, this.clientAddress);
    if (!verdict.allowed) {
      this.logger.info({ event: 'firewall-denied', priority: verdict.rule?.priority, device: target.device.uid }, 'firewall denied the connection');
    }
    return verdict;
  }

  private async resolve(login: string): Promise<Resolution> {
    const sshid = parseSshid(login);
    const found = sshid ? await this.context.resolver.lookup(sshid) : { namespace: null, device: null };
    return this.context.decisions.target(login, sshid, found);
  }

  /**
   * A password is checked by the device, so each try costs a stream, a key exchange and a crypt(3) there: tries
   * count in the login lockout shared with the API, and a locked-out pair never reaches the device.
   */
  private async passwordLogin(auth: AuthContext, target: ResolvedTarget, password: string): Promise<void> {
    const { decisions, passwordAttempts } = this.context;
    const gate = await passwordAttempts.begin(this.clientAddress, decisions.passwordSubject(target));
    if (!gate.granted) {
      const verdict = decisions.passwordAttempt(target, gate, this.now());
      this.logger.info({ event: 'password-locked-out', reason: gate.reason, device: target.device.uid }, 'password attempt refused by the lockout');
      if (this.gone) return;
      return this.refuse(auth, verdict.allowed ? 'Try again later.' : verdict.reason, 'blocked');
    }
    const { ticket } = gate;
    try {
      if (this.gone) return;
      const outcome = await this.openDevice(auth, target, 'password', password);
      if (outcome === 'accepted') await ticket.succeeded();
      if (outcome !== 'refused') return;
      const lockedUntil = await ticket.failed();
      if (this.gone) return;
      if (lockedUntil === 0) return this.fail(auth);
      const verdict = decisions.passwordAttempt(target, { granted: false, reason: 'locked', retryAt: lockedUntil }, this.now());
      this.refuse(auth, verdict.allowed ? 'Try again later.' : verdict.reason, 'blocked');
    } finally {
      await ticket.release();
    }
  }

  private async openDevice(
    auth: AuthContext,
    target: ResolvedTarget,
    method: 'publickey' | 'password',
    password?: string,
  ): Promise<'accepted' | 'refused' | 'unreachable' | 'abandoned'> {
    const { gauges, registry } = this.context;
    let stream: Duplex | undefined;
    try {
      const pickupAnswered = gauges.pickupRequested();
      try {
        stream = await registry.openStream(target.device.uid);
      } finally {
        pickupAnswered();
      }
      gauges.streamHeld(stream);
      if (this.gone) {
        // The person left while the device picked up: close the stream, so the agent's session ends too.
        stream.destroy();
        return 'abandoned';
      }
      const assertion = signSessionAssertion(this.context.signingKeyPem, {
        device: target.device.uid,
        tenant: target.scope.tenantId,
        user: target.user,
        session: this.id,
        method,
      });
      this.device?.end();
      const device = await connectToDevice(stream, {
        username: target.user,
        assertion,
        password,
        devicePublicKeyPem: target.device.public_key,
        pinnedHostKey: target.device.pinned_host_key,
        signal: this.left.signal,
        onError: (error) => this.logger.warn({ event: 'device-link-error', err: error.message, device: target.device.uid }, 'the connection to the device failed'),
      });
      this.device = device;
      if (this.sessionUid) this.context.sessions.authenticated(this.sessionUid);
      this.target = target;
      device.on('close', () => this.deviceLost(target));
      this.logger.info(
        { event: 'session-opened', sshid: `${target.user}@${target.namespace}.${target.device.name}`, device: target.device.uid, method },
        'session opened',
      );
      this.record('login', `logged in with ${method}`);
      this.context.liveConnections?.loggedIn(this.id, { user: target.user, device: target.device.uid, tenantId: target.scope.tenantId });
      auth.accept();
      return 'accepted';
    } catch (error) {
      stream?.destroy();
      if (error instanceof LoginAbandonedError || this.gone) return 'abandoned';
      if (error instanceof HostKeyChangedError) return this.hostKeyChanged(auth, target, error.presentedKey);
      if (error instanceof DeviceRefusedError) {
        this.logger.info({ event: 'device-refused', method }, 'device refused the login');
        return 'refused';
      }
      const reason = error instanceof TunnelUnavailableError ? error.message : 'the connection to it failed';
      this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'could not reach the device');
      this.refuse(auth, `Device ${target.namespace}.${target.device.name} cannot be reached: ${reason}.`);
      return 'unreachable';
    }
  }

  /** The record of this session starts when the connection knows its device, whether or not a login succeeds. */
  private track(target: ResolvedTarget): void {
    if (this.sessionUid) return;
    this.sessionUid = this.id;
    this.context.sessions.opened(
      {
        uid: this.sessionUid,
        scope: target.scope,
        deviceUid: target.device.uid,
        username: target.user,
        clientAddress: this.clientAddress,
      },
      this,
    );
  }

  /**
   * Ends the session from outside (`POST /api/sessions/{uid}/close`): every open channel is told why on its stderr
   * and exits with status 255, then the connection closes.
   */
  terminate(reason: string): void {
    if (this.gone) return;
    const message = `Fleetgate: ${reason}`;
    this.logger.info({ event: 'session-terminated', reason }, 'session closed from the API');
    if (this.relayed) this.relayed.interrupt(message);
    else sendAuthBanner(this.person, message);
    // Let the channels' last words reach the client first: OpenSSH may drop channel data that arrives in the same
    // instant as the end of the connection (seen in CI: the reason went missing once in two runs).
    setTimeout(() => this.person.end(), 200).unref();
  }

  /**
   * The device presented another host key than the pinned one: it may be an impostor, so nobody logs in until an
   * owner of the namespace accepts the change (the device then shows "host key changed" in the API).
   */
  private async hostKeyChanged(auth: AuthContext, target: ResolvedTarget, presentedKey: Buffer): Promise<'unreachable'> {
    const fingerprint = sha256Fingerprint(presentedKey);
    this.logger.warn({ event: 'device-host-key-changed', device: target.device.uid, fingerprint }, 'the device presented another host key');
    await this.context.hostKeyChanges?.record(target.scope, target.device.uid, presentedKey).catch((error: unknown) =>
      this.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'could not record the changed host key'),
    );
    if (!this.gone) {
      this.refuse(
        auth,
        `Device ${target.namespace}.${target.device.name} presented a host key (${fingerprint}) that differs from the one pinned for it; ` +
          'an owner of the namespace must accept the change before anyone can log in.',
        'host-key-changed',
      );
    }
    // Refused with its reason already, like an unreachable device: not a failed credential, nothing more to send.
    return 'unreachable';
  }

  /** Ends the connection from outside (a disconnect from the admin API), telling the person why. */
  disconnect(reason: string): void {
    if (this.gone) return;
    this.logger.info({ event: 'disconnected', reason }, 'connection ended by an administrator');
    if (!this.relayed) return void this.person.end();
    this.relayed.interrupt(`Fleetgate: ${reason}`);
    // Let the reason and the channels' ends reach the client first: OpenSSH may drop channel data that arrives in
    // the same instant as the end of the connection.
    setTimeout(() => this.person.end(), 200).unref();
  }

  /** The device's connection ended while the person was still here: tell them why their session stopped. */
  private deviceLost(target: ResolvedTarget): void {
    if (this.gone) return;
    this.logger.info({ event: 'device-lost', device: target.device.uid }, 'the connection to the device ended');
    this.relayed?.interrupt(`Fleetgate: the connection to device ${target.namespace}.${target.device.name} was lost.`);
    this.person.end();
  }

  private relay(): void {
    if (!this.device) {
      this.person.end();
      return;
    }
    const { recorders } = this.context;
    const target = this.target;
    if (recorders && target) {
      this.recorder = recorders
        .open({ sessionUid: this.id, scope: target.scope, fail: (message) => this.recordingFailed(message) })
        .catch((error: unknown) => {
          // Without a recorder a recorded namespace's session may not go on unrecorded.
          this.logger.error({ err: error }, 'could not start recording');
          this.recordingFailed('Fleetgate: this session cannot be recorded right now, so it was ended.');
          return null;
        });
    }
    this.relayed = relayChannels(
      this.person,
      this.device,
      (kind, detail) => {
        this.logger.info({ event: 'channel', kind, detail }, 'channel opened');
        this.recordType(kind, detail);
      },
      this.recorder,
    );
  }

  /** The first shell, command or subsystem gives the session its type (and a shell its terminal type). */
  private recordType(kind: string, detail: string | undefined): void {
    if (this.typed || !this.sessionUid) return;
    if (kind !== 'shell' && kind !== 'exec' && kind !== 'subsystem') return;
    this.typed = true;
    this.context.sessions.typed(this.sessionUid, kind, kind === 'shell' ? detail : undefined);
  }

  /** Recording cannot keep up or go on: frames are never dropped, so the session ends with the reason. */
  private recordingFailed(message: string): void {
    if (this.gone) return;
    this.logger.warn({ event: 'recording-failed', reason: message }, 'session ended: recording failed');
    this.relayed?.interrupt(message);
    this.person.end();
  }

  /** A failed credential: the client may try another, within the connection's attempt budget. */
  private fail(auth: AuthContext, reason?: string): void {
    if (reason) this.explain(reason);
    this.record('auth-failed', reason ?? `${auth.method} authentication failed`);
    this.failures += 1;
    const budget = this.context.decisions.attemptsExhausted(this.failures);
    if (budget.allowed) return auth.reject(METHODS);
    this.logger.info({ event: 'too-many-attempts', failures: this.failures }, 'authentication attempts exhausted');
    this.refuse(auth, budget.reason, 'blocked');
    setImmediate(() => this.person.end());
  }

  /** Says why, then refuses every method, so the client stops trying. */
  private refuse(auth: AuthContext, reason: string, kind = 'refused'): void {
    this.record(kind, reason);
    this.explain(reason);
    auth.reject([]);
  }

  private record(kind: string, reason: string): void {
    this.context.audit?.record({
      tenantId: this.target?.scope.tenantId,
      kind,
      reason,
      username: this.target?.user ?? this.login,
      address: this.clientAddress,
      device: this.target?.device.uid,
      at: new Date(this.now()),
    });
  }

  private explain(reason: string): void {
    if (this.explained.has(reason) || this.gone) return;
    this.explained.add(reason);
    sendAuthBanner(this.person, `Fleetgate: ${reason}`);
  }

  private now(): number {
    return this.context.now?.() ?? Date.now();
  }
}
