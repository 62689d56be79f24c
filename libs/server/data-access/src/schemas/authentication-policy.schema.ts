import { Schema } from 'mongoose';
import { documentSchemaOptions } from './schema-options';

export const AUTHENTICATION_POLICY_MODEL = 'AuthenticationPolicy';

/**
 * How people authenticate at the gateway for one namespace (seed 003's gateway authentication). A namespace without
 * a stored policy allows public keys and passwords, without a second factor, as before policies existed.
 */
export interface AuthenticationPolicyDocument {
  tenant_id: string;
  public_key: boolean;
  password: boolean;
  /** The device password asked through a keyboard-interactive prompt, as some clients prefer. */
  keyboard_interactive: boolean;
  /** Every login must also answer a TOTP prompt of the member who registered the public key (docs/gateway-policies.md). */
  require_mfa: boolean;
  created_at?: Date;
  updated_at?: Date;
}

export const authenticationPolicySchema = new Schema<AuthenticationPolicyDocument>(
  {
    tenant_id: { type: String, required: true },
    public_key: { type: Boolean, required: true },
    password: { type: Boolean, required: true },
    keyboard_interactive: { type: Boolean, required: true },
    require_mfa: { type: Boolean, required: true },
  },
  documentSchemaOptions('authentication_policies'),
);
authenticationPolicySchema.index({ tenant_id: 1 }, { unique: true });
