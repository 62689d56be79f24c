import { Schema } from 'mongoose';
import { documentSchemaOptions } from './schema-options';

export const SESSION_MODEL = 'Session';

/** What the person's client asked for on the session: ShellHub's `type` (`none` until a channel starts). */
export const sessionTypes = ['none', 'shell', 'exec', 'subsystem', 'web'] as const;
export type SessionType = (typeof sessionTypes)[number];

export interface SessionPosition {
  latitude: number;
  longitude: number;
}

/**
 * One person's SSH connection through a gateway to a device (ShellHub's `sessions` collection). Failed logins stay
 * as unauthenticated records so that owners see who tried. `active` is stored, and reads also treat a session whose
 * `last_seen` is older than the keepalive expiry as inactive: a gateway that died cannot close its sessions.
 */
export interface SessionDocument {
  /** 64 hex digits, as ShellHub's (the SSH exchange hash there; random bytes here, since ssh2 hides it). */
  uid: string;
  device_uid: string;
  tenant_id: string;
  /** The user on the device the person asked for. */
  username: string;
  ip_address: string;
  started_at: Date;
  /** Refreshed by the holding gateway's keepalive batch; frozen once the session closes. */
  last_seen: Date;
  closed_at: Date | null;
  active: boolean;
  authenticated: boolean;
  recorded: boolean;
  type: SessionType;
  /** The terminal type of the pty, or `none`. */
  term: string;
  position: SessionPosition;
  /** The gateway process holding the connection: where `POST /api/sessions/{uid}/close` is delivered. */
  gateway_id: string;
  created_at?: Date;
  updated_at?: Date;
}

/**
 * `gateway_id` of a session that a platform service reported through the contract's internal routes rather than
 * one of Fleetgate's gateways: only such a session may be recorded through `POST /api/sessions/{uid}/record`.
 */
export const REPORTED_SESSION_GATEWAY_ID = 'internal-service';

export const sessionSchema = new Schema<SessionDocument>(
  {
    uid: { type: String, required: true },
    device_uid: { type: String, required: true },
    tenant_id: { type: String, required: true },
    username: { type: String, required: true },
    ip_address: { type: String, default: '' },
    started_at: { type: Date, required: true },
    last_seen: { type: Date, required: true },
    closed_at: { type: Date, default: null },
    active: { type: Boolean, default: true },
    authenticated: { type: Boolean, default: false },
    recorded: { type: Boolean, default: false },
    type: { type: String, enum: sessionTypes, default: 'none' },
    term: { type: String, default: 'none' },
    position: {
      type: { latitude: Number, longitude: Number },
      default: () => ({ latitude: 0, longitude: 0 }),
      _id: false,
    },
    gateway_id: { type: String, default: '' },
  },
  documentSchemaOptions('sessions'),
);
sessionSchema.index({ uid: 1 }, { unique: true });
// The list (newest first) and the active count of a tenant.
sessionSchema.index({ tenant_id: 1, started_at: -1 });
sessionSchema.index({ tenant_id: 1, active: 1 });
