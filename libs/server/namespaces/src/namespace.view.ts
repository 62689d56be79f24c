import type {
  MemberRole,
  MembershipDocument,
  MembershipStatus,
  NamespaceDocument,
} from '@fleetgate/data-access';

export interface NamespaceMemberView {
  /** The user's id. */
  id: string;
  role: MemberRole;
  status: MembershipStatus;
  /** Absent when the user no longer exists. */
  email?: string;
  added_at: Date;
}

export interface NamespaceSettingsView {
  session_record: boolean;
  connection_announcement: string;
  /** Record what people type too (off by default: input holds passwords). */
  session_record_input: boolean;
  /** Days recordings are kept here; 0 follows the platform's RECORDING_RETENTION_DAYS. */
  session_record_retention_days: number;
}

/** ShellHub's namespace JSON (seed `namespace`). */
export interface NamespaceView {
  name: string;
  owner: string;
  tenant_id: string;
  members: NamespaceMemberView[];
  settings: NamespaceSettingsView;
  max_devices: number;
  /** Accepted devices. */
  device_count: number;
  created_at: Date;
  /** ShellHub Cloud's billing state; null where billing is off or the namespace has no customer yet. */
  billing: NamespaceBillingView | null;
}

export interface NamespaceBillingView {
  active: boolean;
  status: string;
  customer_id: string;
  subscription_id: string;
  current_period_end: number;
  can_connect: boolean;
}

export function toNamespaceView(
  namespace: NamespaceDocument,
  members: ReadonlyArray<{ membership: MembershipDocument; email?: string }>,
  deviceCount: number,
): NamespaceView {
  return {
    name: namespace.name,
    owner: namespace.owner,
    tenant_id: namespace.tenant_id,
    members: members.map(({ membership, email }) => ({
      id: membership.user_id,
      role: membership.role,
      status: membership.status,
      ...(email === undefined ? {} : { email }),
      added_at: membership.created_at ?? new Date(0),
    })),
    settings: {
      session_record: namespace.settings?.session_record ?? true,
      connection_announcement: namespace.settings?.connection_announcement ?? '',
      session_record_input: namespace.settings?.session_record_input ?? false,
      session_record_retention_days: namespace.settings?.session_record_retention_days ?? 0,
    },
    max_devices: namespace.max_devices,
    device_count: deviceCount,
    created_at: namespace.created_at ?? new Date(0),
    billing: namespace.billing
      ? {
          active: namespace.billing.active,
          status: namespace.billing.status,
          customer_id: namespace.billing.customer_id ?? '',
          subscription_id: namespace.billing.subscription_id ?? '',
          current_period_end: namespace.billing.current_period_end ?? 0,
          can_connect: namespace.billing.can_connect,
        }
      : null,
  };
}
