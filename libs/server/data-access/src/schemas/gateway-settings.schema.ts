import { Schema } from 'mongoose';
import { documentSchemaOptions } from './schema-options';

export const GATEWAY_SETTINGS_MODEL = 'GatewaySettings';

export const strictKeyExchangeModes = ['off', 'on', 'required'] as const;
export type StrictKeyExchangeMode = (typeof strictKeyExchangeModes)[number];

export const gatewayLogLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type GatewayLogLevel = (typeof gatewayLogLevels)[number];

/**
 * The instance-wide settings of every gateway process (seed 000's server settings that apply to a relay). Stored
 * once, under `key: "gateway"`; each gateway caches them and reloads when the API publishes a change.
 */
export interface GatewaySettingsDocument {
  key: 'gateway';
  /** Shown by clients before authentication (SSH_MSG_USERAUTH_BANNER); empty sends none. */
  user_auth_banner: string;
  /** A line sent before the SSH identification string; empty sends none. */
  greeting: string;
  /** Seconds without channel data before a session is closed; 0 never. */
  idle_session_timeout: number;
  /** Simultaneous connections per gateway process; 0 unlimited. */
  max_connections: number;
  /** Failed authentication requests one connection may make (OpenSSH's MaxAuthTries). */
  auth_max_attempts: number;
  /** Failed authentications from one client address that block it; 0 turns automatic blocking off. */
  auto_block_max_auth_attempts: number;
  /** Seconds a blocked address stays blocked (and over which its failures are counted). */
  auto_block_duration: number;
  /** Addresses or networks (CIDR) that may connect; empty allows every address not blocked. */
  allowed_clients: string[];
  blocked_clients: string[];
  /** Empty lists keep ssh2's defaults. */
  encryption_algorithms: string[];
  key_exchange_algorithms: string[];
  mac_algorithms: string[];
  /** Bytes after which the gateway starts a new key exchange; 0 leaves it to the client. */
  key_renegotiation_threshold: number;
  strict_key_exchange: StrictKeyExchangeMode;
  /** The software version of the identification string (`SSH-2.0-<this>`). */
  server_version: string;
  log_level: GatewayLogLevel;
  created_at?: Date;
  updated_at?: Date;
}

export const gatewaySettingsSchema = new Schema<GatewaySettingsDocument>(
  {
    key: { type: String, required: true, enum: ['gateway'] },
    user_auth_banner: { type: String, default: '' },
    greeting: { type: String, default: '' },
    idle_session_timeout: { type: Number, required: true },
    max_connections: { type: Number, required: true },
    auth_max_attempts: { type: Number, required: true },
    auto_block_max_auth_attempts: { type: Number, required: true },
    auto_block_duration: { type: Number, required: true },
    allowed_clients: { type: [String], default: [] },
    blocked_clients: { type: [String], default: [] },
    encryption_algorithms: { type: [String], default: [] },
    key_exchange_algorithms: { type: [String], default: [] },
    mac_algorithms: { type: [String], default: [] },
    key_renegotiation_threshold: { type: Number, required: true },
    strict_key_exchange: { type: String, required: true, enum: strictKeyExchangeModes },
    server_version: { type: String, required: true },
    log_level: { type: String, required: true, enum: gatewayLogLevels },
  },
  documentSchemaOptions('gateway_settings'),
);
gatewaySettingsSchema.index({ key: 1 }, { unique: true });
