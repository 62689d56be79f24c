import { Schema } from 'mongoose';
import { documentSchemaOptions } from './schema-options';

export const PUBLIC_KEY_MODEL = 'PublicKey';

/** Which devices a key opens: those whose name matches `hostname`, or that carry one of `tags`. */
export type PublicKeyFilter =
  { hostname: string; tags?: undefined } | { tags: string[]; hostname?: undefined };

export interface PublicKeyDocument {
  tenant_id: string;
  /** Legacy MD5 fingerprint of the key blob, colon-separated hex, as ShellHub and `ssh-keygen -E md5` print it. */
  fingerprint: string;
  /** Base64 of the normalised authorized_keys line. */
  data: string;
  name: string;
  /** Regular expression a device login name must match; empty matches any. */
  username: string;
  filter: PublicKeyFilter;
  /**
   * The id of the user who registered the key (an API key's creator when a key registered it). Gateway MFA asks that
   * member for the second factor (docs/gateway-policies.md); keys registered before it was recorded have none.
   */
  created_by?: string;
  created_at?: Date;
  updated_at?: Date;
}

export const publicKeySchema = new Schema<PublicKeyDocument>(
  {
    tenant_id: { type: String, required: true },
    fingerprint: { type: String, required: true },
    data: { type: String, required: true },
    name: { type: String, required: true },
    username: { type: String, default: '' },
    filter: {
      type: { hostname: { type: String }, tags: { type: [String], default: undefined } },
      required: true,
      _id: false,
    },
    created_by: { type: String },
  },
  documentSchemaOptions('public_keys'),
);
// The same key may open devices in several namespaces, but is registered once per namespace.
publicKeySchema.index({ tenant_id: 1, fingerprint: 1 }, { unique: true });
