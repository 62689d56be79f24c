import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { BILLING_EVENT_MODEL, type BillingEventDocument, type BillingEventOutcome } from '../schemas/billing-event.schema';
import { isDuplicateKeyError } from './duplicate-key-error';

/** A claim older than this belongs to a delivery whose process died; the next delivery may take it over. */
const ABANDONED_CLAIM_MS = 10 * 60 * 1000;

/** Stripe's webhook event ids: each event is processed once, however often Stripe delivers it. */
@Injectable()
export class BillingEventsRepository {
  constructor(@InjectModel(BILLING_EVENT_MODEL) private readonly model: Model<BillingEventDocument>) {}

  /**
   * Takes the event for this delivery: true when nobody processed it yet. The unique index decides between two
   * deliveries arriving together; a claim abandoned by a dead process is taken over after a while.
   */
  async claim(eventId: string, type: string, now = new Date()): Promise<boolean> {
    try {
      await this.model.create({ event_id: String(eventId), type: String(type), outcome: 'processing' });
      return true;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    const takenOver = await this.model
      .findOneAndUpdate(
        { event_id: String(eventId), outcome: 'processing', updated_at: { $lt: new Date(now.getTime() - ABANDONED_CLAIM_MS) } },
        { $set: { type: String(type) } },
      )
      .lean()
      .exec();
    return takenOver !== null;
  }

  async settle(eventId: string, outcome: Exclude<BillingEventOutcome, 'processing'>, tenantId?: string): Promise<void> {
    await this.model
      .updateOne({ event_id: String(eventId) }, { $set: { outcome, ...(tenantId ? { tenant_id: tenantId } : {}) } })
      .exec();
  }

  /** Gives the event back after a failure, so that Stripe's next delivery processes it. */
  async release(eventId: string): Promise<void> {
    await this.model.deleteOne({ event_id: String(eventId), outcome: 'processing' }).exec();
  }

  async find(eventId: string): Promise<BillingEventDocument | null> {
    return this.model.findOne({ event_id: String(eventId) }).lean<BillingEventDocument>().exec();
  }
}
