import { createHash } from 'node:crypto';
import type { DeviceDocument, DeviceInfo, DeviceStatus } from '@fleetgate/data-access';

/** A device as the API returns it (ShellHub's `Device` schema). */
export interface DeviceView {
  uid: string;
  name: string;
  identity: { mac: string };
  info: DeviceInfo;
  public_key: string;
  tenant_id: string;
  last_seen: Date;
  online: boolean;
  /** The namespace's name. */
  namespace: string;
  status: DeviceStatus;
  status_updated_at: Date;
  created_at: Date;
  remote_addr: string;
  position: { latitude: number; longitude: number } | null;
  tags: string[];
  public_url: boolean;
  /** Whether accepting the device now would succeed as far as the namespace's device limit goes. */
  acceptable: boolean;
  /** The device presented another host key than the pinned one; nobody can log in until the change is accepted. */
  host_key_changed: boolean;
  /** OpenSSH's SHA-256 fingerprint of the key it presented, while `host_key_changed`. */
  presented_host_key_fingerprint: string | null;
}

/** `online` comes from Redis (DevicePresenceStore), never from the document: only a live tunnel makes it true. */
export function toDeviceView(
  device: DeviceDocument,
  context: { namespace: string; deviceLimitReached: boolean; online: boolean },
): DeviceView {
  return {
    uid: device.uid,
    name: device.name,
    identity: device.identity,
    info: device.info,
    public_key: device.public_key,
    tenant_id: device.tenant_id,
    last_seen: device.last_seen,
    online: context.online,
    namespace: context.namespace,
    status: device.status,
    status_updated_at: device.status_updated_at,
    // Stored devices always have one (schema timestamps); the type leaves it optional for documents being created.
    created_at: device.created_at ?? device.status_updated_at,
    remote_addr: device.remote_addr,
    position: device.position,
    tags: device.tags,
    public_url: device.public_url,
    acceptable: device.status !== 'accepted' && !context.deviceLimitReached,
    host_key_changed: device.host_key_changed === true,
    presented_host_key_fingerprint:
      device.host_key_changed && device.presented_host_key ? fingerprintOf(device.presented_host_key) : null,
  };
}

/** OpenSSH's `SHA256:` fingerprint of a base64 SSH key blob. */
function fingerprintOf(blobBase64: string): string {
  return `SHA256:${createHash('sha256').update(Buffer.from(blobBase64, 'base64')).digest('base64').replace(/=+$/, '')}`;
}
