import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { MAX_IN_LIST_LENGTH } from '../batching/write-batches';
import { RECORDING_SIGNATURE_MODEL, type RecordingSignatureDocument } from '../schemas/recording-signature.schema';
import type { TenantScope } from '../tenancy/tenant-scope';
import { TenantScopedRepository } from '../tenancy/tenant-scoped.repository';
import { isDuplicateKeyError } from './duplicate-key-error';

/** Signed chain heads of recordings; written once each. */
@Injectable()
export class RecordingSignaturesRepository extends TenantScopedRepository<RecordingSignatureDocument> {
  constructor(@InjectModel(RECORDING_SIGNATURE_MODEL) model: Model<RecordingSignatureDocument>) {
    super(model);
  }

  async insertOnce(scope: TenantScope, signature: Omit<RecordingSignatureDocument, 'tenant_id'>): Promise<'stored' | 'duplicate'> {
    try {
      await this.create(scope, signature);
      return 'stored';
    } catch (error) {
      if (isDuplicateKeyError(error)) return 'duplicate';
      throw error;
    }
  }

  signaturesOf(scope: TenantScope, sessionUid: string): Promise<RecordingSignatureDocument[]> {
    return this.find(scope, { session_uid: String(sessionUid) }, { sort: { seq: 1 } });
  }

  /** Deletes the signatures of these recordings (at most MAX_IN_LIST_LENGTH per call). */
  async deleteOfSessions(scope: TenantScope, sessionUids: readonly string[]): Promise<number> {
    if (sessionUids.length === 0) return 0;
    return this.deleteMany(scope, { session_uid: { $in: sessionUids.slice(0, MAX_IN_LIST_LENGTH).map(String) } });
  }
}
