import type { DeviceInfo } from '@fleetgate/contracts';
import { Schema } from 'mongoose';
import { documentSchemaOptions } from './schema-options';

export const DEVICE_MODEL = 'Device';

export const deviceStatuses = ['pending', 'accepted', 'rejected', 'removed', 'unused'] as const;
export type DeviceStatus = (typeof deviceStatuses)[number];

export type { DeviceInfo } from '@fleetgate/contracts';

export interface DeviceDocument {
  uid: string;
  tenant_id: string;
  name: string;
  identity: { mac: string };
  info: DeviceInfo;
  public_key: string;
  status: DeviceStatus;
  status_updated_at: Date;
  /** When a gateway last held the device's tunnel, written coarsely; whether it is online now lives in Redis. */
  last_seen: Date;
  remote_addr: string;
  position: { latitude: number; longitude: number } | null;
  tags: string[];
  public_url: boolean;
  /**
   * The host key the gateway pins the device to (base64 SSH blob), once an owner accepted a change; absent, it is
   * the key the device registered with.
   */
  pinned_host_key?: string;
  /** Set by the gateway when the device presented another key than the pinned one; cleared when a change is accepted. */
  host_key_changed?: boolean;
  /** The key the device presented (base64 SSH blob) when it last differed, and when. */
  presented_host_key?: string;
  host_key_changed_at?: Date;
  created_at?: Date;
  updated_at?: Date;
}

export const deviceSchema = new Schema<DeviceDocument>(
  {
    uid: { type: String, required: true },
    tenant_id: { type: String, required: true },
    name: { type: String, required: true },
    identity: { mac: { type: String, default: '' } },
    info: {
      id: { type: String, default: '' },
      pretty_name: { type: String, default: '' },
      version: { type: String, default: '' },
      arch: { type: String, default: '' },
      platform: { type: String, default: '' },
    },
    public_key: { type: String, default: '' },
    status: { type: String, required: true, enum: deviceStatuses, default: 'pending' },
    status_updated_at: { type: Date, default: () => new Date() },
    last_seen: { type: Date, default: () => new Date(0) },
    remote_addr: { type: String, default: '' },
    position: { type: { latitude: Number, longitude: Number }, default: null, _id: false },
    tags: { type: [String], default: [] },
    public_url: { type: Boolean, default: false },
    pinned_host_key: { type: String },
    host_key_changed: { type: Boolean, default: false },
    presented_host_key: { type: String },
    host_key_changed_at: { type: Date },
  },
  documentSchemaOptions('devices'),
);
// One device per identity in a tenant, and names unique within a tenant (the SSHID namespace.name must resolve to one device).
deviceSchema.index({ tenant_id: 1, uid: 1 }, { unique: true });
deviceSchema.index({ tenant_id: 1, name: 1 }, { unique: true });
deviceSchema.index({ uid: 1 });
