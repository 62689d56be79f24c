import { Schema } from 'mongoose';
import { documentSchemaOptions } from './schema-options';

export const GATEWAY_HOST_KEY_MODEL = 'GatewayHostKey';

export const hostKeyAlgorithms = ['rsa', 'ecdsa', 'ed25519'] as const;
export type HostKeyAlgorithm = (typeof hostKeyAlgorithms)[number];

/**
 * One of the gateway's SSH host keys, shared by every gateway process. One key per algorithm family: ssh2 offers
 * one key per signature type, and rotating a family replaces its key.
 */
export interface GatewayHostKeyDocument {
  algorithm: HostKeyAlgorithm;
  bits: number;
  /** The OpenSSH public key line, `ssh-ed25519 AAAA…`. */
  public_key: string;
  /** OpenSSH's form, `SHA256:<base64 without padding>`. */
  fingerprint: string;
  /** The OpenSSH private key, sealed with `SecretBox` under the platform key: a database dump does not reveal it. */
  sealed_private_key: string;
  enabled: boolean;
  created_at?: Date;
  updated_at?: Date;
}

export const gatewayHostKeySchema = new Schema<GatewayHostKeyDocument>(
  {
    algorithm: { type: String, required: true, enum: hostKeyAlgorithms },
    bits: { type: Number, required: true },
    public_key: { type: String, required: true },
    fingerprint: { type: String, required: true },
    sealed_private_key: { type: String, required: true },
    enabled: { type: Boolean, required: true, default: true },
  },
  documentSchemaOptions('gateway_host_keys'),
);
gatewayHostKeySchema.index({ algorithm: 1 }, { unique: true });
