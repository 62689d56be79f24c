import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { PUBLIC_KEY_MODEL, type PublicKeyDocument } from '../schemas/public-key.schema';
import { TenantScopedRepository } from '../tenancy/tenant-scoped.repository';

@Injectable()
export class PublicKeysRepository extends TenantScopedRepository<PublicKeyDocument> {
  constructor(@InjectModel(PUBLIC_KEY_MODEL) model: Model<PublicKeyDocument>) {
    super(model);
  }
}
