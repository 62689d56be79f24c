import type { SessionDocument, SessionPosition, SessionType } from '@fleetgate/data-access';
import type { DeviceView } from '@fleetgate/devices';

/** A session as the API returns it (ShellHub's `Session` schema), with its device embedded. */
export interface SessionView {
  uid: string;
  device_uid: string;
  /** The device as `GET /api/devices/{uid}` shows it; null once the device has been deleted. */
  device: DeviceView | null;
  tenant_id: string;
  username: string;
  ip_address: string;
  started_at: Date;
  last_seen: Date;
  active: boolean;
  authenticated: boolean;
  recorded: boolean;
  type: SessionType;
  term: string;
  position: SessionPosition;
}

/**
 * `active` is the stored flag, and false as well once the holding gateway stopped keeping the session alive
 * (`seenSince`): a gateway that died cannot say its sessions ended, and the worker's expiry may not have run yet.
 */
export function toSessionView(session: SessionDocument, device: DeviceView | null, seenSince: Date): SessionView {
  return {
    uid: session.uid,
    device_uid: session.device_uid,
    device,
    tenant_id: session.tenant_id,
    username: session.username,
    ip_address: session.ip_address,
    started_at: session.started_at,
    last_seen: session.last_seen,
    active: session.active && session.last_seen >= seenSince,
    authenticated: session.authenticated,
    recorded: session.recorded,
    type: session.type,
    term: session.term,
    position: session.position,
  };
}
