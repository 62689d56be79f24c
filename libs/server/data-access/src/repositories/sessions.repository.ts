import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { SESSION_MODEL, type SessionDocument } from '../schemas/session.schema';
import type { TenantScope } from '../tenancy/tenant-scope';
import { TenantScopedRepository } from '../tenancy/tenant-scoped.repository';

/** Session records (`sessions`), scoped to their namespace. */
@Injectable()
export class SessionsRepository extends TenantScopedRepository<SessionDocument> {
  constructor(@InjectModel(SESSION_MODEL) model: Model<SessionDocument>) {
    super(model);
  }

  findByUid(scope: TenantScope, uid: string): Promise<SessionDocument | null> {
    return this.findOne(scope, { uid: String(uid) });
  }

  /** Whether the session has a stored recording; false again once retention deleted it. */
  async setRecorded(scope: TenantScope, uid: string, recorded: boolean): Promise<void> {
    await this.updateMany(scope, { uid: String(uid) }, { $set: { recorded } });
  }
}
