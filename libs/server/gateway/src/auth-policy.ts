import type { AuthenticationType } from 'ssh2';
import type { AuthenticationPolicyDocument } from '@fleetgate/data-access';
import type { AccessVerdict } from './access-decision';

/** A namespace's authentication policy as the gateway applies it. */
export type GatewayAuthenticationPolicy = Pick<AuthenticationPolicyDocument, 'public_key' | 'password' | 'keyboard_interactive' | 'require_mfa'>;

/** A namespace that stored no policy: public keys and passwords, no second factor, as before policies existed. */
export const DEFAULT_AUTHENTICATION_POLICY: GatewayAuthenticationPolicy = Object.freeze({
  public_key: true,
  password: true,
  keyboard_interactive: false,
  require_mfa: false,
});

/** The methods to offer a client of this namespace, in the order OpenSSH should try them. */
export function offeredMethods(policy: GatewayAuthenticationPolicy): AuthenticationType[] {
  const methods: AuthenticationType[] = [];
  if (policy.public_key) methods.push('publickey');
  // With MFA required only public keys lead to a member (docs/gateway-policies.md): passwords are not offered.
  if (policy.require_mfa) return methods;
  if (policy.password) methods.push('password');
  if (policy.keyboard_interactive) methods.push('keyboard-interactive');
  return methods;
}

/** Whether the namespace lets a person log in with `method` (the second factor's prompt is not a login method). */
export function methodVerdict(policy: GatewayAuthenticationPolicy, method: AuthenticationType, namespace: string): AccessVerdict {
  if (offeredMethods(policy).includes(method)) return { allowed: true };
  if (policy.require_mfa && (method === 'password' || method === 'keyboard-interactive')) {
    return {
      allowed: false,
      reason: `Namespace ${namespace} requires a second factor: log in with a public key registered by a member who has MFA enabled.`,
    };
  }
  return { allowed: false, reason: `Namespace ${namespace} does not allow ${describe(method)} logins.` };
}

function describe(method: AuthenticationType): string {
  switch (method) {
    case 'publickey':
      return 'public key';
    case 'keyboard-interactive':
      return 'keyboard-interactive';
    default:
      return method;
  }
}

/** What the gateway found about the member behind a public key (`created_by`), for the second factor. */
export interface KeyOwnerFacts {
  /** The key's `created_by`; null for keys registered before it was recorded. */
  userId: string | null;
  /** Whether that user is an accepted member of the device's namespace now. */
  member: boolean;
  user: { id: string; username: string; mfaEnabled: boolean; confirmed: boolean } | null;
}

export type SecondFactorSubject = { required: false } | { required: true; userId: string; username: string } | { required: true; refused: string };

/**
 * Who must answer the TOTP prompt: the member who registered the key (docs/gateway-policies.md says why not the
 * person's own claim). A key without a known, current member with MFA enabled cannot log in while MFA is required.
 */
export function secondFactorSubject(policy: GatewayAuthenticationPolicy, owner: KeyOwnerFacts, namespace: string): SecondFactorSubject {
  if (!policy.require_mfa) return { required: false };
  if (!owner.userId) {
    return { required: true, refused: `Namespace ${namespace} requires MFA, and this key names no member: a member must register it again.` };
  }
  if (!owner.member || !owner.user || !owner.user.confirmed) {
    return { required: true, refused: `Namespace ${namespace} requires MFA, and the member who registered this key is no longer a member.` };
  }
  if (!owner.user.mfaEnabled) {
    return {
      required: true,
      refused: `Namespace ${namespace} requires MFA: ${owner.user.username}, who registered this key, must enable MFA first.`,
    };
  }
  return { required: true, userId: owner.user.id, username: owner.user.username };
}
