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

/** ShellHub Cloud's billing statuses: Stripe's subscription statuses, plus `inactive` (never subscribed). */
export const billingStatuses = [
  'inactive',
  'active',
  'trialing',
  'incomplete',
  'incomplete_expired',
  'past_due',
  'canceled',
  'unpaid',
  'paused',
  'to_cancel_at_end_of_period',
] as const;
export type BillingStatus = (typeof billingStatuses)[number];

/**
 * A namespace's billing state (ShellHub Cloud's `billing` sub-document), present once billing is on and the
 * namespace has a customer. Stripe's webhook events keep it current; docs/adr/0008-billing-state-and-event-order.md.
 */
export interface NamespaceBilling {
  /** True for active, trialing, past_due and to_cancel_at_end_of_period: the paid plan's limit applies. */
  active: boolean;
  status: BillingStatus;
  customer_id?: string;
  subscription_id?: string;
  /** Unix seconds. */
  current_period_end?: number;
  /**
   * Whether people may connect to the namespace's devices: false while more devices are accepted than the plan
   * allows (after a downgrade), until the owner chooses which stay. Kept here because the gateway reads the
   * namespace document for every connection anyway.
   */
  can_connect: boolean;
  /** Stripe's `created` (unix seconds) of the newest event applied: an event older than it changes nothing. */
  event_created?: number;
  event_id?: string;
  updated_at?: Date;
}

export interface NamespaceDocument {
  tenant_id: string;
  name: string;
  owner: string;
  max_devices: number;
  settings: NamespaceSettings;
  billing?: NamespaceBilling;
  created_at?: Date;
  updated_at?: Date;
}

const namespaceBillingSchema = new Schema<NamespaceBilling>(
  {
    active: { type: Boolean, required: true, default: false },
    status: { type: String, enum: billingStatuses, required: true, default: 'inactive' },
    customer_id: { type: String },
    subscription_id: { type: String },
    current_period_end: { type: Number },
    can_connect: { type: Boolean, required: true, default: true },
    event_created: { type: Number },
    event_id: { type: String },
    updated_at: { type: Date },
  },
  { _id: false, strict: 'throw' },
);

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
    billing: { type: namespaceBillingSchema, required: false },
  },
  documentSchemaOptions('namespaces'),
);
namespaceSchema.index({ tenant_id: 1 }, { unique: true });
namespaceSchema.index({ name: 1 }, { unique: true });
// Stripe's events name the customer; not unique, because namespaces without billing have none.
namespaceSchema.index({ 'billing.customer_id': 1 });
