import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { MAX_IN_LIST_LENGTH } from '../batching/write-batches';
import { RECORDING_CHUNK_MODEL, type RecordingChunkDocument } from '../schemas/recording-chunk.schema';
import type { TenantScope } from '../tenancy/tenant-scope';
import { TenantScopedRepository } from '../tenancy/tenant-scoped.repository';
import { isDuplicateKeyError } from './duplicate-key-error';

/** A recording's chunk as the retention job sees it: which recording it belongs to, nothing of its content. */
export interface ExpiredChunkReference {
  id: unknown;
  sessionUid: string;
}

/** Recording chunks, written once each; a second write of the same (session, seq) changes nothing. */
@Injectable()
export class RecordingChunksRepository extends TenantScopedRepository<RecordingChunkDocument> {
  constructor(@InjectModel(RECORDING_CHUNK_MODEL) model: Model<RecordingChunkDocument>) {
    super(model);
  }

  /** 'stored', or 'duplicate' when this chunk was stored before (a retried or redelivered job). */
  async insertOnce(scope: TenantScope, chunk: Omit<RecordingChunkDocument, 'tenant_id'>): Promise<'stored' | 'duplicate'> {
    try {
      await this.create(scope, chunk);
      return 'stored';
    } catch (error) {
      if (isDuplicateKeyError(error)) return 'duplicate';
      throw error;
    }
  }

  /** The recording's chunks in order, one at a time from a cursor, so a long recording never sits in memory whole. */
  async *chunksOf(scope: TenantScope, sessionUid: string): AsyncGenerator<RecordingChunkDocument> {
    const cursor = this.model
      .find({ tenant_id: scope.tenantId, session_uid: String(sessionUid) })
      .sort({ seq: 1 })
      .batchSize(16)
      .lean<RecordingChunkDocument>()
      .cursor();
    try {
      for await (const chunk of cursor) yield chunk as RecordingChunkDocument;
    } finally {
      await cursor.close();
    }
  }

  /**
   * The recording's last chunk, or with `kind` the last chunk holding a frame of that kind (the latest terminal
   * size, for a recording appended to one frame at a time).
   */
  async lastOf(scope: TenantScope, sessionUid: string, kind?: 'o' | 'i' | 'r'): Promise<RecordingChunkDocument | null> {
    const found = await this.model
      .findOne({ tenant_id: scope.tenantId, session_uid: String(sessionUid), ...(kind ? { 'frames.k': kind } : {}) })
      .sort({ seq: -1 })
      .lean<RecordingChunkDocument>()
      .exec();
    return (found as RecordingChunkDocument | null) ?? null;
  }

  /** Up to `limit` chunks of recordings that started before `cutoff`, as references only. */
  async expiredChunks(scope: TenantScope, cutoff: Date, limit = MAX_IN_LIST_LENGTH): Promise<ExpiredChunkReference[]> {
    const found = await this.model
      .find({ tenant_id: scope.tenantId, session_started_at: { $lt: cutoff } })
      .select({ _id: 1, session_uid: 1 })
      .limit(Math.min(limit, MAX_IN_LIST_LENGTH))
      .lean<Array<{ _id: unknown; session_uid: string }>>()
      .exec();
    return found.map((chunk) => ({ id: chunk._id, sessionUid: chunk.session_uid }));
  }

  async deleteByIds(scope: TenantScope, ids: readonly unknown[]): Promise<number> {
    if (ids.length === 0) return 0;
    const result = await this.model.deleteMany({ tenant_id: scope.tenantId, _id: { $in: ids.slice(0, MAX_IN_LIST_LENGTH) } }).exec();
    return result.deletedCount;
  }
}
