import { Schema } from 'mongoose';
import { documentSchemaOptions } from './schema-options';

export const NAMESPACE_MODEL = 'Namespace';

export interface NamespaceSettings {
  session_record: boolean;
  connection_announcement: string;
  /** Record what people type too; off by default, since input holds passwords typed at prompts. */
  session_record_input?: boolean;
  /** Days this namespace keeps recordings, overriding RECORDING_RETENTION_DAYS; unset or 0 follows the global. */
  session_record_retention_days?: number;
}

export interface NamespaceDocument {
  tenant_id: string;
  name: string;
  owner: string;
  max_devices: number;
  settings: NamespaceSettings;
  created_at?: Date;
  updated_at?: Date;
}

export const namespaceSchema = new Schema<NamespaceDocument>(
  {
    tenant_id: { type: String, required: true },
    name: { type: String, required: true },
    owner: { type: String, required: true },
    max_devices: { type: Number, required: true, default: -1 },
    settings: {
      session_record: { type: Boolean, default: true },
      connection_announcement: { type: String, default: '' },
      session_record_input: { type: Boolean, default: false },
      session_record_retention_days: { type: Number, min: 0, default: 0 },
    },
  },
  documentSchemaOptions('namespaces'),
);
namespaceSchema.index({ tenant_id: 1 }, { unique: true });
namespaceSchema.index({ name: 1 }, { unique: true });
