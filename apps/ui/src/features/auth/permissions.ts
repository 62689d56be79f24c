import type { MemberRole } from './session-store';

const roleRank: Record<MemberRole, number> = { owner: 4, administrator: 3, operator: 2, observer: 1 };

/**
 * The least role each write needs, as the API's role matrix (libs/server/identity permissions.ts) sets it. The UI
 * only hides what would be refused; the API decides.
 */
const minimumRole = {
  'device:accept': 'operator',
  'device:update': 'operator',
  'device:tag': 'operator',
  'device:remove': 'administrator',
  'tag:edit': 'operator',
  'public_key:edit': 'administrator',
  'firewall:edit': 'administrator',
  'namespace:update': 'administrator',
  'namespace:members': 'administrator',
  'namespace:delete': 'owner',
  'api_key:edit': 'administrator',
  'device:host_key_accept': 'administrator',
  // Billing is the owner's alone, reads included (the customer shows cards).
  'billing:manage': 'owner',
  'channel_policy:edit': 'administrator',
  'authentication_policy:edit': 'administrator',
  'session:close': 'administrator',
} as const satisfies Record<string, MemberRole>;

export type UiPermission = keyof typeof minimumRole;

export function roleAllows(role: MemberRole | '' | undefined, permission: UiPermission): boolean {
  if (!role) return false;
  return roleRank[role] >= roleRank[minimumRole[permission]];
}
