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
  },
  documentSchemaOptions('public_keys'),
);
// The same key may open devices in several namespaces, but is registered once per namespace.
publicKeySchema.index({ tenant_id: 1, fingerprint: 1 }, { unique: true });
