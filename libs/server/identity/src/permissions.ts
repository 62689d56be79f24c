import type { MemberRole } from '@fleetgate/data-access';

/** What a route needs a member's role to allow (ShellHub v0.17.1 `pkg/api/authorizer`). */
export enum Permission {
  DeviceAccept = 'device:accept',
  PublicKeyCreate = 'public_key:create',
  NamespaceUpdate = 'namespace:update',
  NamespaceEnableSessionRecord = 'namespace:enable_session_record',
  NamespaceAddMember = 'namespace:add_member',
  NamespaceEditMember = 'namespace:edit_member',
  NamespaceRemoveMember = 'namespace:remove_member',
  NamespaceDelete = 'namespace:delete',
  PublicKeyEdit = 'public_key:edit',
  DeviceUpdate = 'device:update',
  DeviceRemove = 'device:remove',
  DeviceTag = 'device:tag',
  TagEdit = 'tag:edit',
  FirewallCreate = 'firewall:create',
  FirewallEdit = 'firewall:edit',
  FirewallRemove = 'firewall:remove',
  ConnectorSet = 'connector:set',
  ConnectorUpdate = 'connector:update',
  ConnectorDelete = 'connector:delete',
}

const roleRank: Record<MemberRole, number> = { owner: 4, administrator: 3, operator: 2, observer: 1 };

/** In v0.17.1 every permission belongs to one role and all roles above it, so the matrix is a minimum role each. */
const minimumRole: Record<Permission, MemberRole> = {
  [Permission.DeviceAccept]: 'operator',
  [Permission.PublicKeyCreate]: 'administrator',
  [Permission.NamespaceUpdate]: 'administrator',
  [Permission.NamespaceEnableSessionRecord]: 'administrator',
  [Permission.NamespaceAddMember]: 'administrator',
  [Permission.NamespaceEditMember]: 'administrator',
  [Permission.NamespaceRemoveMember]: 'administrator',
  [Permission.NamespaceDelete]: 'owner',
  [Permission.PublicKeyEdit]: 'administrator',
  [Permission.DeviceUpdate]: 'operator',
  [Permission.DeviceRemove]: 'administrator',
  [Permission.DeviceTag]: 'operator',
  [Permission.TagEdit]: 'operator',
  [Permission.FirewallCreate]: 'administrator',
  [Permission.FirewallEdit]: 'administrator',
  [Permission.FirewallRemove]: 'administrator',
  [Permission.ConnectorSet]: 'administrator',
  [Permission.ConnectorUpdate]: 'administrator',
  [Permission.ConnectorDelete]: 'administrator',
};

export function roleAllows(role: MemberRole, permission: Permission): boolean {
  return roleRank[role] >= roleRank[minimumRole[permission]];
}

/**
 * ShellHub's `HasAuthority`: whether someone with `actor`'s role may give `target` to a member, or act on a member
 * who has it. Nobody has authority over the owner role, which is never given or taken this way.
 */
export function roleHasAuthorityOver(actor: MemberRole, target: MemberRole): boolean {
  return target !== 'owner' && roleRank[actor] >= roleRank[target];
}
