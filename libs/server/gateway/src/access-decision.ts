import type { AuthenticationType } from 'ssh2';
import type {
  ChannelPolicyDocument,
  DeviceDocument,
  FirewallRuleDocument,
  NamespaceBilling,
  PublicKeyDocument,
  TenantScope,
} from '@fleetgate/data-access';
import { tenantScope } from '@fleetgate/data-access';
import { evaluateFirewall } from '@fleetgate/firewall';
import { publicKeyAllows } from '@fleetgate/public-keys';
import type { Sshid } from './sshid';
import { type GatewayAuthenticationPolicy, type KeyOwnerFacts, methodVerdict, type SecondFactorSubject, secondFactorSubject } from './auth-policy';
import { type ChannelRequest, channelVerdict, governingChannelPolicy } from './channel-policy';

export interface ResolvedTarget {
  scope: TenantScope;
  namespace: string;
  device: DeviceDocument;
  user: string;
}

export type Resolution = { ok: true; target: ResolvedTarget } | { ok: false; reason: string };

/**
 * What the database holds for an SSHID: the namespace it names (or the device's, for a uid), and the device. The
 * namespace document carries its billing state, so the billing rule costs no read of its own.
 */
export interface TargetLookup {
  namespace: { name: string; tenant_id: string; max_devices?: number; billing?: NamespaceBilling } | null;
  device: DeviceDocument | null;
}

/** Allowed, or refused with the words the person is told (an auth banner). */
export type AccessVerdict = { allowed: true } | { allowed: false; reason: string };

/** What the lockout answered for a password attempt (`LoginLockoutService.begin`, seen from the gateway). */
export type PasswordAttemptGate = { granted: true } | { granted: false; reason: 'locked' | 'busy'; retryAt: number };

export interface AccessPolicySettings {
  /** Failed authentication requests one connection may make before it is closed (OpenSSH's MaxAuthTries). */
  maxAuthAttempts: number;
}

const ALLOWED: AccessVerdict = { allowed: true };

/**
 * Every access decision of the gateway, as pure functions of facts the session gathered (what the database, the
 * tunnel registry and the lockout answered): which device an SSHID names and whether it may be reached, the
 * namespace's firewall, public keys, password lockouts and the per-connection attempt budget. The session does the
 * I/O and follows the verdicts; nothing here reads a clock, a socket or a database.
 */
export class AccessDecisionService {
  constructor(private readonly settings: AccessPolicySettings) {}

  /** The device an SSHID names, or why it cannot be reached; `sshid` is null when the login did not parse. */
  target(login: string, sshid: Sshid | null, found: TargetLookup): Resolution {
    if (!sshid) {
      return { ok: false, reason: `"${login}" is not a valid target. Use ssh <user>@<namespace>.<device>@<gateway>.` };
    }
    const { namespace, device } = found;
    if (sshid.kind === 'name') {
      if (!namespace) return { ok: false, reason: `There is no namespace "${sshid.namespace}".` };
      if (!device) return { ok: false, reason: `There is no device "${sshid.device}" in namespace "${namespace.name}".` };
    } else if (!device) {
      return { ok: false, reason: `There is no device with uid ${sshid.uid}.` };
    }
    // A deleted namespace's devices live until the cleanup removes them; none of them may be reached meanwhile.
    if (!namespace || namespace.tenant_id !== device.tenant_id) {
      return { ok: false, reason: `Device ${device.name} belongs to a namespace that no longer exists.` };
    }
    if (device.status !== 'accepted') {
      return {
        ok: false,
        reason: `Device ${namespace.name}.${device.name} is ${device.status}, not accepted: an administrator of the namespace must accept it first.`,
      };
    }
    const billing = this.billing(namespace);
    if (!billing.allowed) return { ok: false, reason: billing.reason };
    return { ok: true, target: { scope: tenantScope(device.tenant_id), namespace: namespace.name, device, user: sshid.user } };
  }

  /**
   * ShellHub Cloud's billing gate (`can_connect`): a namespace with more accepted devices than its plan allows, as
   * after a cancellation, cannot be reached until its owner chooses which devices stay or subscribes again. Billing
   * keeps `can_connect` on the namespace document (docs/adr/0008); without billing there is no state and no gate.
   */
  billing(namespace: { name: string; max_devices?: number; billing?: NamespaceBilling }): AccessVerdict {
    const state = namespace.billing;
    if (!state || state.can_connect) return ALLOWED;
    const limit = namespace.max_devices ?? 0;
    const plan = state.active
      ? `its plan allows ${limit} accepted devices`
      : `its subscription is ${state.status.replace(/_/g, ' ')} and the free plan allows ${limit} accepted devices`;
    return {
      allowed: false,
      reason: `Namespace ${namespace.name} cannot be reached: ${plan}, and more are accepted. Its owner must choose which devices stay accepted, or subscribe, before anyone can connect.`,
    };
  }

  reachable(target: ResolvedTarget, tunnelConnected: boolean): AccessVerdict {
    return tunnelConnected ? ALLOWED : { allowed: false, reason: `Device ${nameOf(target)} is offline.` };
  }

  /** The namespace's firewall, once per connection and before any credential: first matching active rule decides. */
  firewall(
    target: ResolvedTarget,
    rules: readonly FirewallRuleDocument[],
    clientAddress: string,
  ): AccessVerdict & { rule: FirewallRuleDocument | null } {
    const { allowed, rule } = evaluateFirewall(rules, {
      sourceIp: plainAddress(clientAddress),
      username: target.user,
      device: target.device,
    });
    if (allowed) return { allowed: true, rule };
    return {
      allowed: false,
      rule,
      reason: `Access denied by a firewall rule of namespace ${target.namespace} (priority ${rule?.priority}).`,
    };
  }

  /** A public key must be registered in the device's namespace and its username and device filters must match. */
  publicKey(target: ResolvedTarget, key: Pick<PublicKeyDocument, 'username' | 'filter'> | null): AccessVerdict {
    if (key && publicKeyAllows(key, target.user, target.device)) return ALLOWED;
    return { allowed: false, reason: `Access denied: this key may not log in as ${target.user} on ${nameOf(target)}.` };
  }

  /** A password is tried on the device only while the (address, device user) pair is not locked out. */
  passwordAttempt(target: ResolvedTarget, gate: PasswordAttemptGate, now: number): AccessVerdict {
    if (gate.granted) return ALLOWED;
    const seconds = Math.max(1, Math.ceil((gate.retryAt - now) / 1000));
    if (gate.reason === 'busy') {
      return { allowed: false, reason: `Another password for ${target.user} on ${nameOf(target)} is still being checked; try again in a second.` };
    }
    return {
      allowed: false,
      reason: `Too many failed passwords for ${target.user} on ${nameOf(target)} from your address; try again in ${seconds} seconds.`,
    };
  }

  /** Whether a connection that has failed this many authentication requests must be closed. */
  attemptsExhausted(failures: number): AccessVerdict {
    if (failures < this.settings.maxAuthAttempts) return ALLOWED;
    return { allowed: false, reason: `Too many authentication attempts (${failures}) on one connection.` };
  }

  /** Whether the namespace's authentication policy lets a person log in with `method` (auth-policy.ts). */
  authenticationMethod(policy: GatewayAuthenticationPolicy, method: AuthenticationType, target: ResolvedTarget): AccessVerdict {
    return methodVerdict(policy, method, target.namespace);
  }

  /** Whose TOTP code a proved public key still needs, or why it cannot log in while MFA is required. */
  secondFactor(policy: GatewayAuthenticationPolicy, owner: KeyOwnerFacts, target: ResolvedTarget): SecondFactorSubject {
    return secondFactorSubject(policy, owner, target.namespace);
  }

  /** The channel policy that governs a login (channel-policy.ts), or null when none covers it. */
  channelPolicy<Policy extends ChannelPolicyDocument>(target: ResolvedTarget, policies: readonly Policy[]): Policy | null {
    return governingChannelPolicy(policies, { username: target.user, device: target.device });
  }

  /** Whether the governing channel policy lets the person open `request`. */
  channel(policy: Pick<ChannelPolicyDocument, 'name' | 'channels'> | null, request: ChannelRequest): AccessVerdict {
    return channelVerdict(policy, request);
  }

  /** The lockout subject of a gateway password: the login on that device, apart from API users' ids. */
  passwordSubject(target: ResolvedTarget): string {
    return `device:${target.device.uid}:${target.user}`;
  }
}

function nameOf(target: ResolvedTarget): string {
  return `${target.namespace}.${target.device.name}`;
}

/** Firewall rules are written for IPv4 addresses; Node reports IPv4 clients of a dual-stack listener as ::ffff:a.b.c.d. */
function plainAddress(clientAddress: string): string {
  return clientAddress.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
}
