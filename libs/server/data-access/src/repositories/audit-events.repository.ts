import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { FilterQuery, Model } from 'mongoose';
import { chunked, insertManyInChunks, MAX_IN_LIST_LENGTH } from '../batching/write-batches';
import { AUDIT_EVENT_MODEL, type AuditEventDocument } from '../schemas/audit-event.schema';
import { TenantScopedRepository } from '../tenancy/tenant-scoped.repository';
import { type Page, type PageRequest, pageWindow } from './page';

/**
 * The gateway's audit log. Members read their namespace's events through the scoped methods; the gateway's writes,
 * the instance-wide listing and the retention sweep cross tenants and are the `*Unscoped` methods.
 */
@Injectable()
export class AuditEventsRepository extends TenantScopedRepository<AuditEventDocument> {
  constructor(@InjectModel(AUDIT_EVENT_MODEL) model: Model<AuditEventDocument>) {
    super(model);
  }

  /**
   * Unscoped on purpose: one gateway batch holds events of many namespaces (and of none). Written in commands of
   * at most MAX_STATEMENTS_PER_WRITE documents.
   */
  async insertManyUnscoped(events: readonly AuditEventDocument[]): Promise<void> {
    await insertManyInChunks(this.model, events);
  }

  /** Unscoped on purpose: the instance administrator's view of every namespace's events. */
  async listUnscoped(
    predicate: Record<string, unknown> | null,
    request: PageRequest,
    order: 'asc' | 'desc',
  ): Promise<Page<AuditEventDocument>> {
    const filter = (predicate ?? {}) as FilterQuery<AuditEventDocument>;
    const { skip, limit } = pageWindow(request);
    const direction = order === 'asc' ? 1 : -1;
    const [items, total] = await Promise.all([
      this.model.find(filter).sort({ at: direction, id: direction }).skip(skip).limit(limit).lean<AuditEventDocument[]>().exec(),
      this.model.countDocuments(filter).exec(),
    ]);
    return { items, total };
  }

  /**
   * Unscoped on purpose: retention applies to every namespace alike. Deletes events older than `cutoff` a bounded
   * batch at a time (at most `batches` of MAX_IN_LIST_LENGTH ids), so one sweep never holds the database long;
   * returns how many were deleted, and the next sweep carries on.
   */
  async deleteOlderThanUnscoped(cutoff: Date, batches = 20): Promise<number> {
    let deleted = 0;
    for (let batch = 0; batch < batches; batch += 1) {
      const old = await this.model
        .find({ at: { $lt: cutoff } }, { id: 1, _id: 0 })
        .limit(MAX_IN_LIST_LENGTH)
        .lean<Array<{ id: string }>>()
        .exec();
      if (old.length === 0) break;
      for (const ids of chunked(old.map((event) => event.id), MAX_IN_LIST_LENGTH)) {
        const result = await this.model.deleteMany({ id: { $in: ids } }).exec();
        deleted += result.deletedCount;
      }
      if (old.length < MAX_IN_LIST_LENGTH) break;
    }
    return deleted;
  }
}
