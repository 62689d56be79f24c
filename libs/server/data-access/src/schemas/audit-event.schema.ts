import { Schema } from 'mongoose';
import { documentSchemaOptions } from './schema-options';

export const AUDIT_EVENT_MODEL = 'AuditEvent';

/**
 * A gateway event (a login, a refusal and its reason, a policy denial, a block, a disconnect from the API). Events
 * whose target resolved carry the namespace's tenant id and are listed to its members too; the rest (an SSHID naming
 * nothing) exist only in the instance-wide log. Deleted after the configured days by the worker.
 */
export interface AuditEventDocument {
  id: string;
  /** '' when the event concerns no namespace. */
  tenant_id: string;
  kind: string;
  reason: string;
  username: string;
  address: string;
  device: string;
  at: Date;
}

export const auditEventSchema = new Schema<AuditEventDocument>(
  {
    id: { type: String, required: true },
    tenant_id: { type: String, default: '' },
    kind: { type: String, required: true },
    reason: { type: String, default: '' },
    username: { type: String, default: '' },
    address: { type: String, default: '' },
    device: { type: String, default: '' },
    at: { type: Date, required: true },
  },
  // Events are written once and never updated: no timestamps beyond `at`.
  { ...documentSchemaOptions('audit_events'), timestamps: false },
);
auditEventSchema.index({ id: 1 }, { unique: true });
auditEventSchema.index({ tenant_id: 1, at: -1 });
auditEventSchema.index({ at: -1 });
