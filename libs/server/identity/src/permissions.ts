import type { MemberRole } from '@fleetgate/data-access';

/** What a route needs a member's role to allow (ShellHub v0.17.1 `pkg/api/authorizer`). */
export enum Permission {
  DeviceConnect = 'device:connect',
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
  APIKeyCreate = 'api_key:create',
  APIKeyUpdate = 'api_key:update',
  APIKeyDelete = 'api_key:delete',
  BillingGetCustomer = 'billing:get_customer',
  BillingCreateCustomer = 'billing:create_customer',
  BillingAddPaymentMethod = 'billing:add_payment_method',
  BillingUpdatePaymentMethod = 'billing:update_payment_method',
  BillingRemovePaymentMethod = 'billing:remove_payment_method',
  BillingCreateSubscription = 'billing:create_subscription',
  BillingGetSubscription = 'billing:get_subscription',
  BillingChooseDevices = 'billing:choose_devices',
  BillingReport = 'billing:report',
  BillingPortal = 'billing:portal',
  SessionClose = 'session:close',
  DeviceHostKeyAccept = 'device:host_key_accept',
  AuditLogRead = 'audit_log:read',
  ChannelPolicyCreate = 'channel_policy:create',
  ChannelPolicyEdit = 'channel_policy:edit',
  ChannelPolicyRemove = 'channel_policy:remove',
  AuthenticationPolicyEdit = 'authentication_policy:edit',
}

const roleRank: Record<MemberRole, number> = { owner: 4, administrator: 3, operator: 2, observer: 1 };

/**
 * Whether a request authenticated with an API key may use a permission: v0.17.1's `BlockAPIKey` (the `K✗` column
 * of the route inventory). Keys are meant for automation that reads; every mutation v0.17.1 guards is blocked.
 */
type ApiKeyUse = 'allowed' | 'blocked';

interface PermissionRule {
  /** In v0.17.1 every permission belongs to one role and all roles above it, so the matrix is a minimum role each. */
  minimumRole: MemberRole;
  apiKey: ApiKeyUse;
}

/** The one role matrix: who may do what, and whether an API key may do it at all. */
const rules: Record<Permission, PermissionRule> = {
  // Every member may open the web terminal, as in v0.17.1; the device still checks the login. A ticket is for a
  // person in a browser, so an API key may not get one.
  [Permission.DeviceConnect]: { minimumRole: 'observer', apiKey: 'blocked' },
  [Permission.DeviceAccept]: { minimumRole: 'operator', apiKey: 'blocked' },
  [Permission.PublicKeyCreate]: { minimumRole: 'administrator', apiKey: 'blocked' },
  [Permission.NamespaceUpdate]: { minimumRole: 'administrator', apiKey: 'blocked' },
  [Permission.NamespaceEnableSessionRecord]: { minimumRole: 'administrator', apiKey: 'blocked' },
  [Permission.NamespaceAddMember]: { minimumRole: 'administrator', apiKey: 'blocked' },
  [Permission.NamespaceEditMember]: { minimumRole: 'administrator', apiKey: 'blocked' },
  [Permission.NamespaceRemoveMember]: { minimumRole: 'administrator', apiKey: 'blocked' },
  [Permission.NamespaceDelete]: { minimumRole: 'owner', apiKey: 'blocked' },
  [Permission.PublicKeyEdit]: { minimumRole: 'administrator', apiKey: 'blocked' },
  [Permission.DeviceUpdate]: { minimumRole: 'operator', apiKey: 'blocked' },
  [Permission.DeviceRemove]: { minimumRole: 'administrator', apiKey: 'blocked' },
  [Permission.DeviceTag]: { minimumRole: 'operator', apiKey: 'blocked' },
  [Permission.TagEdit]: { minimumRole: 'operator', apiKey: 'blocked' },
  // Firewall routes are Cloud-only and absent from the v0.17.1 CE inventory; their mutations are blocked like
  // every other mutation there.
  [Permission.FirewallCreate]: { minimumRole: 'administrator', apiKey: 'blocked' },
  [Permission.FirewallEdit]: { minimumRole: 'administrator', apiKey: 'blocked' },
  [Permission.FirewallRemove]: { minimumRole: 'administrator', apiKey: 'blocked' },
  // Connectors postdate v0.17.1; they hold Docker engine credentials, so keys stay read-only there too.
  [Permission.ConnectorSet]: { minimumRole: 'administrator', apiKey: 'blocked' },
  [Permission.ConnectorUpdate]: { minimumRole: 'administrator', apiKey: 'blocked' },
  [Permission.ConnectorDelete]: { minimumRole: 'administrator', apiKey: 'blocked' },
  // A key that could mint keys would outlive its own expiry and role; v0.17.1 blocks it.
  [Permission.APIKeyCreate]: { minimumRole: 'administrator', apiKey: 'blocked' },
  [Permission.APIKeyUpdate]: { minimumRole: 'administrator', apiKey: 'blocked' },
  [Permission.APIKeyDelete]: { minimumRole: 'administrator', apiKey: 'blocked' },
  // Billing is the owner's alone (v0.17.1's Billing* permissions), reads included: the customer shows cards and the
  // subscription shows invoices. Keys never touch money.
  [Permission.BillingGetCustomer]: { minimumRole: 'owner', apiKey: 'blocked' },
  [Permission.BillingCreateCustomer]: { minimumRole: 'owner', apiKey: 'blocked' },
  [Permission.BillingAddPaymentMethod]: { minimumRole: 'owner', apiKey: 'blocked' },
  [Permission.BillingUpdatePaymentMethod]: { minimumRole: 'owner', apiKey: 'blocked' },
  [Permission.BillingRemovePaymentMethod]: { minimumRole: 'owner', apiKey: 'blocked' },
  [Permission.BillingCreateSubscription]: { minimumRole: 'owner', apiKey: 'blocked' },
  [Permission.BillingGetSubscription]: { minimumRole: 'owner', apiKey: 'blocked' },
  [Permission.BillingChooseDevices]: { minimumRole: 'owner', apiKey: 'blocked' },
  [Permission.BillingReport]: { minimumRole: 'owner', apiKey: 'blocked' },
  [Permission.BillingPortal]: { minimumRole: 'owner', apiKey: 'blocked' },
  // ShellHub's route had no check at all (advisory GHSA-c5cf-fr53-8wq4); its matrix gives SessionClose to
  // administrators and owners. Ending someone's live session is a mutation, so keys may not.
  [Permission.SessionClose]: { minimumRole: 'administrator', apiKey: 'blocked' },
  // Fleetgate's own: trusting a device's new host key decides whether the gateway may be talking to an impostor.
  [Permission.DeviceHostKeyAccept]: { minimumRole: 'administrator', apiKey: 'blocked' },
  // The gateway's audit log names people's client addresses and logins: administrators read it; keys may read.
  [Permission.AuditLogRead]: { minimumRole: 'administrator', apiKey: 'allowed' },
  // Gateway policies postdate v0.17.1; they decide who reaches devices and how, as firewall rules do.
  [Permission.ChannelPolicyCreate]: { minimumRole: 'administrator', apiKey: 'blocked' },
  [Permission.ChannelPolicyEdit]: { minimumRole: 'administrator', apiKey: 'blocked' },
  [Permission.ChannelPolicyRemove]: { minimumRole: 'administrator', apiKey: 'blocked' },
  [Permission.AuthenticationPolicyEdit]: { minimumRole: 'administrator', apiKey: 'blocked' },
};

export function roleAllows(role: MemberRole, permission: Permission): boolean {
  return roleRank[role] >= roleRank[rules[permission].minimumRole];
}

/** Whether a request authenticated with an API key may use `permission` (its role is checked separately). */
export function apiKeyAllows(permission: Permission): boolean {
  return rules[permission].apiKey === 'allowed';
}

/** The lower of two roles: what an API key may do when its creator's role has dropped below the key's. */
export function lowerRole(first: MemberRole, second: MemberRole): MemberRole {
  return roleRank[first] <= roleRank[second] ? first : second;
}

/**
 * ShellHub's `HasAuthority`: whether someone with `actor`'s role may give `target` to a member, or act on a member
 * who has it. Nobody has authority over the owner role, which is never given or taken this way.
 */
export function roleHasAuthorityOver(actor: MemberRole, target: MemberRole): boolean {
  return target !== 'owner' && roleRank[actor] >= roleRank[target];
}
