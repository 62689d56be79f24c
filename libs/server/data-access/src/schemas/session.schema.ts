import { Schema } from 'mongoose';
import { documentSchemaOptions } from './schema-options';

export const SESSION_MODEL = 'Session';

/** A person's SSH session through the gateway (ShellHub's `sessions`). */
export interface SessionDocument {
  uid: string;
  device_uid: string;
  tenant_id: string;
  username: string;
  ip_address: string;
  started_at: Date;
  last_seen: Date;
  closed_at: Date | null;
  active: boolean;
  authenticated: boolean;
  recorded: boolean;
  type: string;
  term: string;
  position: { latitude: number; longitude: number } | null;
  gateway_id: string;
}

export const sessionSchema = new Schema<SessionDocument>(
  {
    uid: { type: String, required: true },
    device_uid: { type: String, required: true },
    tenant_id: { type: String, required: true },
    username: { type: String, default: '' },
    ip_address: { type: String, default: '' },
    started_at: { type: Date, required: true },
    last_seen: { type: Date, required: true },
    closed_at: { type: Date, default: null },
    active: { type: Boolean, default: true },
    authenticated: { type: Boolean, default: false },
    recorded: { type: Boolean, default: false },
    type: { type: String, default: 'none' },
    term: { type: String, default: 'none' },
    position: { type: { latitude: Number, longitude: Number }, default: null, _id: false },
    gateway_id: { type: String, default: '' },
  },
  documentSchemaOptions('sessions'),
);
sessionSchema.index({ uid: 1 }, { unique: true });
sessionSchema.index({ tenant_id: 1, started_at: -1 });
