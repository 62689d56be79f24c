import { Schema } from 'mongoose';
import { documentSchemaOptions } from './schema-options';

export const BILLING_EVENT_MODEL = 'BillingEvent';

/**
 * What became of a Stripe webhook event: `processing` while one delivery handles it, then `applied` (the namespace
 * changed), `stale` (an older event than the one already applied) or `ignored` (a type or namespace we do not bill).
 */
export type BillingEventOutcome = 'processing' | 'applied' | 'stale' | 'ignored';

/** One Stripe event id, stored so that a repeated delivery is processed once. Stripe's, so it belongs to no tenant. */
export interface BillingEventDocument {
  event_id: string;
  type: string;
  outcome: BillingEventOutcome;
  tenant_id?: string;
  created_at?: Date;
  updated_at?: Date;
}

export const billingEventSchema = new Schema<BillingEventDocument>(
  {
    event_id: { type: String, required: true },
    type: { type: String, required: true },
    outcome: { type: String, enum: ['processing', 'applied', 'stale', 'ignored'], required: true },
    tenant_id: { type: String },
  },
  documentSchemaOptions('billing_events'),
);
billingEventSchema.index({ event_id: 1 }, { unique: true });
