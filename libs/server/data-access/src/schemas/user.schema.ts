import { Schema } from 'mongoose';
import { documentSchemaOptions } from './schema-options';

export const USER_MODEL = 'User';

export interface UserMfa {
  enabled: boolean;
  /** Base32 TOTP secret. */
  secret: string;
  /** Hashes of the unused recovery codes; a used code is removed. */
  recovery_codes: string[];
}

export interface UserDocument {
  id: string;
  name: string;
  username: string;
  email: string;
  password_hash: string;
  status: 'confirmed' | 'not-confirmed' | 'invited';
  max_namespaces: number;
  /** A second address for MFA resets; never equal to `email`, and cannot be emptied once set. */
  recovery_email?: string;
  mfa?: UserMfa;
  /**
   * Bumped to end every session at once (password change or reset, MFA change, sign-out everywhere); a user token
   * is good only while it carries the current value. Absent means 0.
   */
  token_epoch?: number;
  email_marketing?: boolean;
  /**
   * An instance administrator (set with the API's CLI `admin` command): may use `/admin/api`. Separate from
   * namespace roles, which never grant it.
   */
  admin?: boolean;
  last_login?: Date;
  created_at?: Date;
  updated_at?: Date;
}

export const userSchema = new Schema<UserDocument>(
  {
    id: { type: String, required: true },
    name: { type: String, required: true },
    username: { type: String, required: true },
    email: { type: String, required: true },
    password_hash: { type: String, required: true },
    status: { type: String, required: true, enum: ['confirmed', 'not-confirmed', 'invited'] },
    max_namespaces: { type: Number, required: true, default: -1 },
    recovery_email: { type: String },
    mfa: {
      type: new Schema<UserMfa>(
        {
          enabled: { type: Boolean, required: true, default: false },
          secret: { type: String, required: true },
          recovery_codes: { type: [String], default: [] },
        },
        { _id: false },
      ),
    },
    token_epoch: { type: Number, min: 0 },
    email_marketing: { type: Boolean },
    admin: { type: Boolean },
    last_login: { type: Date },
  },
  documentSchemaOptions('users'),
);
userSchema.index({ id: 1 }, { unique: true });
userSchema.index({ username: 1 }, { unique: true });
userSchema.index({ email: 1 }, { unique: true });
