import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { API_KEY_MODEL, type ApiKeyDocument, apiKeyDigest } from '../schemas/api-key.schema';
import { TenantScopedRepository } from '../tenancy/tenant-scoped.repository';

@Injectable()
export class ApiKeysRepository extends TenantScopedRepository<ApiKeyDocument> {
  constructor(@InjectModel(API_KEY_MODEL) model: Model<ApiKeyDocument>) {
    super(model);
  }

  /**
   * Unscoped on purpose: an `X-API-KEY` request names no tenant, the key itself says which namespace it acts in.
   * Takes the plaintext and compares digests, so callers never handle the stored form.
   */
  async findByPlaintextUnscoped(plaintext: string): Promise<ApiKeyDocument | null> {
    return this.model
      .findOne({ key_digest: apiKeyDigest(String(plaintext)) })
      .lean<ApiKeyDocument>()
      .exec();
  }
}
