import { createHash, randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { type AuthContext, type AuthenticationType, type Client, type Connection, type KeyboardAuthContext, utils } from 'ssh2';
import type { ChannelPolicyDocument, FirewallRuleDocument, PublicKeyDocument, TenantScope } from '@fleetgate/data-access';
import type { Logger } from '@fleetgate/logging';
import { signSessionAssertion } from '@fleetgate/tunnel';
import type { AccessDecisionService, AccessVerdict, ResolvedTarget, Resolution } from './access-decision';
import { sendAuthBanner } from './auth-banner';
import { DEFAULT_AUTHENTICATION_POLICY, type GatewayAuthenticationPolicy, type KeyOwnerFacts, offeredMethods } from './auth-policy';
import type { ChannelRequest } from './channel-policy';
import { type ChannelGuard, type ChannelRelay, relayChannels } from './channel-relay';
import { connectToDevice, DeviceRefusedError, HostKeyChangedError, LoginAbandonedError } from './device-link';
import type { DeviceHostKeyChanges } from './device-host-key-changes';
import { type GatewayAuditSink, reportAudit } from './gateway-audit';
import type { GatewayGauges } from './gateway-gauges';
import type { SessionRecorder, SessionRecorderFactory } from './session-recorder';
import type { SessionTracker, TerminableSession } from './session-tracker';
import { sha256Fingerprint } from './gateway-host-keys';
import type { LoggedIn } from './live-connections';
import { parseSshid } from './sshid';
import type { TargetResolver } from './target-resolver';
import { TunnelUnavailableError } from './tunnel-registry';
import type { DeviceStreams } from './tunnel-router';

/** The namespace's public key registered under a fingerprint, if any. */
export interface PublicKeyDirectory {
  findByFingerprint(scope: TenantScope, fingerprint: string): Promise<Pick<PublicKeyDocument, 'username' | 'filter' | 'created_by'> | null>;
}

/** The namespace's channel policies and authentication policy (issue 12, items 1 and 2). */
export interface GatewayPolicySource {
  activeChannelPolicies(scope: TenantScope): Promise<ChannelPolicyDocument[]>;
  authenticationPolicy(scope: TenantScope): Promise<GatewayAuthenticationPolicy>;
}

/** Gateway MFA: who registered a key, and their TOTP codes (`GatewaySecondFactorService` in the identity lib). */
export interface SecondFactorCheck {
  keyOwner(scope: TenantScope, userId: string | null | undefined): Promise<KeyOwnerFacts>;
  verify(
    clientAddress: string,
    userId: string,
    code: string,
  ): Promise<{ accepted: true } | { accepted: false; reason: 'wrong'; lockedUntil: number } | { accepted: false; reason: 'locked' | 'busy'; retryAt: number }>;
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
  /** The tunnels: this process's `TunnelRegistry`, or a `TunnelRouter` that also reaches its peers' devices. */
  registry: DeviceStreams;
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
  /** The audit log: logins, refusals with their reason, policy denials, blocks. */
  audit?: GatewayAuditSink;
  /** Records a device that presented another host key than the pinned one. */
  hostKeyChanges?: DeviceHostKeyChanges;
  /** The process's live connections, told who logged in where. */
  liveConnections?: { loggedIn(sessionId: string, details: LoggedIn): void };
  /** Without it, no namespace has policies: every method but keyboard-interactive and every channel are allowed. */
  policies?: GatewayPolicySource;
  secondFactor?: SecondFactorCheck;
  /** A credential was checked and was wrong (automatic blocking counts these per client address). */
  onCredentialFailure?: () => void;
  /** Seconds without channel data before the connection is closed; 0 or absent never. */
  idleTimeoutSeconds?: number;
}

const METHODS: AuthenticationType[] = offeredMethods(DEFAULT_AUTHENTICATION_POLICY);

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
  private authenticationPolicy?: Promise<GatewayAuthenticationPolicy>;
  private channelGuardReady?: Promise<ChannelGuard | undefined>;
  private guard?: ChannelGuard;
  private lastActivity = 0;
  private methods: AuthenticationType[] = METHODS;
  /** A public key proved, waiting for its member's TOTP code. */
  private awaitingSecondFactor?: { userId: string; username: string };
  private idleTimer?: NodeJS.Timeout;

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
        if (!this.left.signal.aborted) auth.reject(this.methods);
      }),
    );
    person.on('ready', () => this.relay());
    person.on('error', (error) => this.logger.debug({ err: error.message }, 'client connection error'));
    person.on('close', () => {
      this.left.abort();
      clearTimeout(this.idleTimer);
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
    const connected = await this.context.registry.isConnected(target.device.uid, target.scope.tenantId);
    if (this.gone) return;
    const reachable = decisions.reachable(target, connected);
    if (!reachable.allowed) return this.refuse(auth, reachable.reason);
    this.firewallVerdict ??= this.checkFirewall(target);
    const firewall = await this.firewallVerdict;
    if (this.gone) return;
    if (!firewall.allowed) return this.refuse(auth, firewall.reason, 'firewall-denied');
    this.authenticationPolicy ??= this.loadAuthenticationPolicy(target);
    this.channelGuardReady ??= this.channelGuard(target);
    // Awaited at login; until then a failed read must not be an unhandled rejection.
    this.channelGuardReady.catch(() => undefined);
    const policy = await this.authenticationPolicy;
    if (this.gone) return;
    this.methods = offeredMethods(policy);
    if (auth.method === 'none') return auth.reject(this.methods);
    if (auth.method === 'keyboard-interactive' && this.awaitingSecondFactor) {
      return this.askSecondFactor(auth, target, this.awaitingSecondFactor);
    }
    const method = decisions.authenticationMethod(policy, auth.method, target);
    if (!method.allowed) return this.fail(auth, method.reason, 'method-denied');

    if (auth.method === 'publickey') {
      const key = await this.context.publicKeys.findByFingerprint(target.scope, md5Fingerprint(auth.key.data));
      if (this.gone) return;
      const verdict = decisions.publicKey(target, key);
      if (!verdict.allowed) return this.fail(auth, verdict.reason);
      // Without a signature the client only asks whether the key would do; the signed attempt proves possession.
      if (!auth.signature) return auth.accept();
      const parsed = utils.parseKey(auth.key.data);
      if (parsed instanceof Error || !auth.blob || parsed.verify(auth.blob, auth.signature, auth.hashAlgo) !== true) {
        this.context.onCredentialFailure?.();
        return this.fail(auth);
      }
      if (policy.require_mfa) return this.requireSecondFactor(auth, target, policy, key?.created_by);
      if ((await this.openDevice(auth, target, 'publickey')) === 'refused') this.fail(auth);
      return;
    }
    if (auth.method === 'password') return this.passwordLogin(auth, target, auth.password);
    if (auth.method === 'keyboard-interactive') return this.keyboardPasswordLogin(auth, target);
    return auth.reject(this.methods);
  }

  private async loadAuthenticationPolicy(target: ResolvedTarget): Promise<GatewayAuthenticationPolicy> {
    return (await this.context.policies?.authenticationPolicy(target.scope)) ?? DEFAULT_AUTHENTICATION_POLICY;
  }

  /** The key is proved: its member must now answer a TOTP prompt before the device is reached. */
  private async requireSecondFactor(
    auth: AuthContext,
    target: ResolvedTarget,
    policy: GatewayAuthenticationPolicy,
    keyCreator: string | undefined,
  ): Promise<void> {
    const owner = this.context.secondFactor
      ? await this.context.secondFactor.keyOwner(target.scope, keyCreator)
      : { userId: keyCreator ?? null, member: false, user: null };
    if (this.gone) return;
    const subject = this.context.decisions.secondFactor(policy, owner, target);
    if (!subject.required) {
      if ((await this.openDevice(auth, target, 'publickey')) === 'refused') this.fail(auth);
      return;
    }
    if ('refused' in subject) return this.refuse(auth, subject.refused, 'mfa-refused');
    this.awaitingSecondFactor = { userId: subject.userId, username: subject.username };
    // Partial success (RFC 4252 section 5.1): the key was right, and one more method must follow.
    auth.reject(['keyboard-interactive'], true);
  }

  private askSecondFactor(auth: KeyboardAuthContext, target: ResolvedTarget, subject: { userId: string; username: string }): void {
    auth.prompt(
      [{ prompt: 'Verification code: ', echo: false }],
      'Fleetgate',
      `Namespace ${target.namespace} requires a second factor: the code of ${subject.username}'s authenticator app.`,
      (answers) =>
        void this.checkSecondFactor(auth, target, subject, answers[0] ?? '').catch((error: unknown) => {
          this.logger.error({ err: error }, 'second factor check failed unexpectedly');
          if (!this.gone) auth.reject(['keyboard-interactive'], true);
        }),
    );
  }

  private async checkSecondFactor(
    auth: KeyboardAuthContext,
    target: ResolvedTarget,
    subject: { userId: string; username: string },
    code: string,
  ): Promise<void> {
    const secondFactor = this.context.secondFactor;
    const outcome = secondFactor ? await secondFactor.verify(this.clientAddress, subject.userId, code) : ({ accepted: false, reason: 'wrong', lockedUntil: 0 } as const);
    if (this.gone) return;
    if (outcome.accepted) {
      this.awaitingSecondFactor = undefined;
      this.logger.info({ event: 'mfa-passed', user: subject.userId, device: target.device.uid }, 'second factor accepted');
      if ((await this.openDevice(auth, target, 'publickey')) === 'refused') this.fail(auth);
      return;
    }
    if (outcome.reason !== 'wrong' || outcome.lockedUntil > 0) {
      const retryAt = outcome.reason === 'wrong' ? outcome.lockedUntil : outcome.retryAt;
      const seconds = Math.max(1, Math.ceil((retryAt - this.now()) / 1000));
      const reason =
        outcome.reason === 'busy'
          ? 'Another verification code is still being checked; try again in a second.'
          : `Too many wrong verification codes for ${subject.username} from your address; try again in ${seconds} seconds.`;
      return this.refuse(auth, reason, 'mfa-locked-out');
    }
    const reason = 'The verification code is wrong or was already used.';
    this.audit('mfa-failed', reason, target);
    this.context.onCredentialFailure?.();
    this.explain(reason);
    this.failures += 1;
    const budget = this.context.decisions.attemptsExhausted(this.failures);
    if (budget.allowed) return auth.reject(['keyboard-interactive'], true);
    this.refuse(auth, budget.reason, 'blocked');
    setImmediate(() => this.person.end());
  }

  /** The device password, asked through a keyboard-interactive prompt. */
  private keyboardPasswordLogin(auth: KeyboardAuthContext, target: ResolvedTarget): void {
    auth.prompt([{ prompt: 'Password: ', echo: false }], (answers) =>
      void this.passwordLogin(auth, target, answers[0] ?? '').catch((error: unknown) => {
        this.logger.error({ err: error }, 'keyboard-interactive login failed unexpectedly');
        if (!this.gone) auth.reject(this.methods);
      }),
    );
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
      this.context.onCredentialFailure?.();
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
      this.guard = await this.channelGuardReady;
      if (this.gone) return 'abandoned';
      const pickupAnswered = gauges.pickupRequested();
      try {
        stream = await registry.openStream(target.device.uid, target.scope.tenantId);
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
      this.audit('login', `logged in with ${method}`);
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
    this.interruptAndEnd(`Fleetgate: ${reason}`);
  }

  /**
   * Tells the person's open channels why they end, then ends the connection a moment later: OpenSSH may drop
   * channel data that arrives in the same instant as the end of the connection (the reason went missing in CI).
   */
  private interruptAndEnd(message: string): void {
    if (!this.relayed) return void this.person.end();
    this.relayed.interrupt(message);
    setTimeout(() => this.person.end(), 200).unref();
  }

  /** The device's connection ended while the person was still here: tell them why their session stopped. */
  private deviceLost(target: ResolvedTarget): void {
    if (this.gone) return;
    this.logger.info({ event: 'device-lost', device: target.device.uid }, 'the connection to the device ended');
    this.interruptAndEnd(`Fleetgate: the connection to device ${target.namespace}.${target.device.name} was lost.`);
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
    // ssh2 refuses channels opened while nobody listens, so the relay starts at once, with the guard read at login;
    // channels wait for the recorder before they relay.
    this.relayed = relayChannels(
      this.person,
      this.device,
      (kind, detail) => {
        this.logger.info({ event: 'channel', kind, detail }, 'channel opened');
        this.recordType(kind, detail);
      },
      this.recorder,
      this.guard,
    );
    this.startIdleTimer();
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

  /** The namespace's channel policy that governs this login, read once per connection, before the login completes. */
  private async channelGuard(target: ResolvedTarget): Promise<ChannelGuard | undefined> {
    if (!this.context.policies) return this.idleGuard();
    const policies = await this.context.policies.activeChannelPolicies(target.scope);
    const policy = this.context.decisions.channelPolicy(target, policies);
    return {
      check: (request: ChannelRequest) => this.context.decisions.channel(policy, request),
      refused: (request: ChannelRequest, reason: string) => this.audit('channel-denied', `${describeRequest(request)}: ${reason}`, target),
      active: () => this.touch(),
    };
  }

  private idleGuard(): ChannelGuard | undefined {
    if (!this.context.idleTimeoutSeconds) return undefined;
    return { check: () => ({ allowed: true }), refused: () => undefined, active: () => this.touch() };
  }

  private touch(): void {
    this.lastActivity = this.now();
  }

  /** Closes the connection after `idleTimeoutSeconds` without channel data in either direction. */
  private startIdleTimer(): void {
    const seconds = this.context.idleTimeoutSeconds ?? 0;
    if (seconds <= 0) return;
    this.touch();
    const check = () => {
      if (this.gone) return;
      const idleMs = this.now() - this.lastActivity;
      if (idleMs >= seconds * 1000) {
        this.logger.info({ event: 'idle-timeout', seconds }, 'closing an idle session');
        this.relayed?.interrupt(`Fleetgate: the session was idle for ${seconds} seconds and was closed.`);
        this.person.end();
        return;
      }
      this.idleTimer = setTimeout(check, Math.min(seconds * 1000 - idleMs + 50, 60_000));
      this.idleTimer.unref();
    };
    this.idleTimer = setTimeout(check, seconds * 1000);
    this.idleTimer.unref();
  }

  /** A failed credential: the client may try another, within the connection's attempt budget. */
  private fail(auth: AuthContext, reason?: string, kind = 'auth-failed'): void {
    if (reason) this.explain(reason);
    this.audit(kind, reason ?? `${auth.method} authentication failed`);
    this.failures += 1;
    const budget = this.context.decisions.attemptsExhausted(this.failures);
    if (budget.allowed) return auth.reject(this.methods);
    this.logger.info({ event: 'too-many-attempts', failures: this.failures }, 'authentication attempts exhausted');
    this.refuse(auth, budget.reason, 'blocked');
    setImmediate(() => this.person.end());
  }

  /** Says why, then refuses every method, so the client stops trying. */
  private refuse(auth: AuthContext, reason: string, kind = 'refused'): void {
    this.audit(kind, reason);
    this.explain(reason);
    auth.reject([]);
  }

  /**
   * The one way this session reports to the audit log (`context.audit`): logins, refusals, failed credentials,
   * policy denials. `target` defaults to the device this connection resolved, if any.
   */
  private audit(kind: string, reason: string, target: ResolvedTarget | undefined = this.target): void {
    reportAudit(
      this.context.audit,
      {
        tenantId: target?.scope.tenantId,
        kind,
        reason,
        username: target?.user ?? this.login,
        address: this.clientAddress,
        device: target?.device.uid,
        at: new Date(this.now()),
      },
      this.logger,
    );
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

function describeRequest(request: ChannelRequest): string {
  switch (request.kind) {
    case 'exec':
      return `exec "${request.command.slice(0, 120)}"`;
    case 'subsystem':
      return `subsystem ${request.name.slice(0, 40)}`;
    case 'direct-tcpip':
    case 'tcpip-forward':
      return `${request.kind} ${request.host.slice(0, 80)}:${request.port}`;
    default:
      return request.kind;
  }
}
