import { createHash, randomBytes } from 'node:crypto';
import { type AuthContext, type AuthenticationType, type Client, type Connection, utils } from 'ssh2';
import type { TenantScope } from '@fleetgate/data-access';
import type { Logger } from '@fleetgate/logging';
import { signSessionAssertion } from '@fleetgate/tunnel';
import { sendAuthBanner } from './auth-banner';
import { relayChannels } from './channel-relay';
import { connectToDevice, DeviceRefusedError } from './device-link';
import { parseSshid } from './sshid';
import type { ResolvedTarget, Resolution, TargetResolver } from './target-resolver';
import { TunnelUnavailableError, type TunnelRegistry } from './tunnel-registry';

/** Whether a namespace's public key (by fingerprint) lets this user into this device; the API's rules decide. */
export interface PublicKeyAuthorization {
  allows(scope: TenantScope, fingerprint: string, username: string, device: { name: string; tags: string[] }): Promise<boolean>;
}

/** The namespace's firewall: whether this person (address, login name) may reach this device at all. */
export interface FirewallAuthorization {
  evaluate(
    scope: TenantScope,
    attempt: { sourceIp: string; username: string; device: { name: string; tags: string[] } },
  ): Promise<{ allowed: boolean; rule: { priority: number } | null }>;
}

export interface GatewayContext {
  resolver: TargetResolver;
  firewall: FirewallAuthorization;
  registry: TunnelRegistry;
  publicKeys: PublicKeyAuthorization;
  /** The platform private key that signs session assertions. */
  signingKeyPem: string;
  logger: Logger;
}

const METHODS: AuthenticationType[] = ['publickey', 'password'];

/** The legacy MD5 fingerprint ShellHub stores for public keys: "aa:bb:...". */
export function md5Fingerprint(keyBlob: Buffer): string {
  return createHash('md5').update(keyBlob).digest('hex').replace(/(..)(?!$)/g, '$1:');
}

/**
 * One person's SSH connection to the gateway: resolves the SSHID on the first authentication request, checks the
 * method against the platform's rules, logs into the device through its tunnel, then relays every channel.
 */
export class GatewaySession {
  readonly id = randomBytes(32).toString('hex');
  private resolution?: Promise<Resolution>;
  private firewallVerdict?: Promise<string | null>;
  private explained = false;
  private device?: Client;
  private readonly logger: Logger;

  constructor(
    private readonly person: Connection,
    private readonly context: GatewayContext,
    readonly clientAddress: string,
  ) {
    this.logger = context.logger.child({ session: this.id, client: clientAddress });
    person.on('authentication', (auth) =>
      void this.authenticate(auth).catch((error: unknown) => {
        this.logger.error({ err: error }, 'authentication failed unexpectedly');
        auth.reject(METHODS);
      }),
    );
    person.on('ready', () => this.relay());
    person.on('error', (error) => this.logger.debug({ err: error.message }, 'client connection error'));
    person.on('close', () => {
      this.device?.end();
      this.logger.info({ event: 'session-closed' }, 'session closed');
    });
  }

  private async authenticate(auth: AuthContext): Promise<void> {
    this.resolution ??= this.resolve(auth.username);
    const resolution = await this.resolution;
    if (!resolution.ok) return this.refuse(auth, resolution.reason);
    const { target } = resolution;
    if (!this.context.registry.isConnected(target.device.uid)) {
      return this.refuse(auth, `Device ${target.namespace}.${target.device.name} is offline.`);
    }
    this.firewallVerdict ??= this.checkFirewall(target);
    const denial = await this.firewallVerdict;
    if (denial) return this.refuse(auth, denial);

    if (auth.method === 'publickey') {
      const fingerprint = md5Fingerprint(auth.key.data);
      const allowed = await this.context.publicKeys.allows(target.scope, fingerprint, target.user, target.device);
      if (!allowed) {
        this.explain(`Access denied: this key may not log in as ${target.user} on ${target.namespace}.${target.device.name}.`);
        return auth.reject(METHODS);
      }
      // Without a signature the client only asks whether the key would do; the signed attempt proves possession.
      if (!auth.signature) return auth.accept();
      const key = utils.parseKey(auth.key.data);
      if (key instanceof Error || !auth.blob || key.verify(auth.blob, auth.signature, auth.hashAlgo) !== true) {
        return auth.reject(METHODS);
      }
      return this.openDevice(auth, target, 'publickey');
    }
    if (auth.method === 'password') return this.openDevice(auth, target, 'password', auth.password);
    return auth.reject(METHODS);
  }

  /** The firewall decides once per connection, before any credential is looked at; returns why it denied, or null. */
  private async checkFirewall(target: ResolvedTarget): Promise<string | null> {
    const { allowed, rule } = await this.context.firewall.evaluate(target.scope, {
      sourceIp: this.clientAddress.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, ''),
      username: target.user,
      device: target.device,
    });
    if (allowed) return null;
    this.logger.info({ event: 'firewall-denied', priority: rule?.priority, device: target.device.uid }, 'firewall denied the connection');
    return `Access denied by a firewall rule of namespace ${target.namespace} (priority ${rule?.priority}).`;
  }

  private async resolve(login: string): Promise<Resolution> {
    const sshid = parseSshid(login);
    if (!sshid) {
      return { ok: false, reason: `"${login}" is not a valid target. Use ssh <user>@<namespace>.<device>@<gateway>.` };
    }
    return this.context.resolver.resolve(sshid);
  }

  private async openDevice(auth: AuthContext, target: ResolvedTarget, method: 'publickey' | 'password', password?: string): Promise<void> {
    try {
      const stream = await this.context.registry.openStream(target.device.uid);
      const assertion = signSessionAssertion(this.context.signingKeyPem, {
        device: target.device.uid,
        tenant: target.scope.tenantId,
        user: target.user,
        session: this.id,
        method,
      });
      this.device?.end();
      this.device = await connectToDevice(stream, {
        username: target.user,
        assertion,
        password,
        devicePublicKeyPem: target.device.public_key,
      });
      this.device.on('close', () => this.person.end());
      this.logger.info(
        { event: 'session-opened', sshid: `${target.user}@${target.namespace}.${target.device.name}`, device: target.device.uid, method },
        'session opened',
      );
      auth.accept();
    } catch (error) {
      if (error instanceof DeviceRefusedError) {
        this.logger.info({ event: 'device-refused', method }, 'device refused the login');
        return auth.reject(METHODS);
      }
      const reason = error instanceof TunnelUnavailableError ? error.message : 'the connection to it failed';
      this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'could not reach the device');
      return this.refuse(auth, `Device ${target.namespace}.${target.device.name} cannot be reached: ${reason}.`);
    }
  }

  private relay(): void {
    if (!this.device) {
      this.person.end();
      return;
    }
    relayChannels(this.person, this.device, (kind, detail) => this.logger.info({ event: 'channel', kind, detail }, 'channel opened'));
  }

  /** Says why once, then refuses every method, so the client stops trying. */
  private refuse(auth: AuthContext, reason: string): void {
    this.explain(reason);
    auth.reject([]);
  }

  private explain(reason: string): void {
    if (this.explained) return;
    this.explained = true;
    sendAuthBanner(this.person, `Fleetgate: ${reason}`);
  }
}
