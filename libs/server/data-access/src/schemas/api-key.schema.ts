import { createHash } from 'node:crypto';
import { Schema } from 'mongoose';
import { type MemberRole, memberRoles } from './membership.schema';
import { documentSchemaOptions } from './schema-options';

export const API_KEY_MODEL = 'ApiKey';

/** `expires_in` of a key that never expires (ShellHub's `-1`). */
export const API_KEY_NEVER_EXPIRES = -1;

/**
 * An API key of a namespace. Only the SHA-256 of the secret is kept, so a database leak does not hand out working
 * keys; the name is the key's public identifier (ShellHub's "external id").
 */
export interface ApiKeyDocument {
  tenant_id: string;
  /** Lower-case hex SHA-256 of the plaintext key (see `apiKeyDigest`). */
  key_digest: string;
  name: string;
  role: MemberRole;
  /** The user who created the key; the key acts for them and stops working when they leave the namespace. */
  created_by: string;
  /** Expiry in unix seconds, or `API_KEY_NEVER_EXPIRES`. */
  expires_in: number;
  created_at?: Date;
  updated_at?: Date;
}

/** How a plaintext API key is stored and looked up. */
export function apiKeyDigest(plaintext: string): string {
  return createHash('sha256').update(plaintext, 'utf8').digest('hex');
}

export const apiKeySchema = new Schema<ApiKeyDocument>(
  {
    tenant_id: { type: String, required: true },
    key_digest: { type: String, required: true },
    name: { type: String, required: true },
    role: { type: String, required: true, enum: memberRoles },
    created_by: { type: String, required: true },
    expires_in: { type: Number, required: true },
  },
  documentSchemaOptions('api_keys'),
);
// Every request with X-API-KEY looks a key up by digest before any tenant is known; a digest names one key.
apiKeySchema.index({ key_digest: 1 }, { unique: true });
// The name is how clients address a key, so it is unique in its namespace.
apiKeySchema.index({ tenant_id: 1, name: 1 }, { unique: true });
