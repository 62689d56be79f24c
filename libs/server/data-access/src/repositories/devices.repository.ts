import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { DEVICE_MODEL, type DeviceDocument } from '../schemas/device.schema';
import { TenantScopedRepository } from '../tenancy/tenant-scoped.repository';

@Injectable()
export class DevicesRepository extends TenantScopedRepository<DeviceDocument> {
  constructor(@InjectModel(DEVICE_MODEL) model: Model<DeviceDocument>) {
    super(model);
  }

  /**
   * Unscoped on purpose: the gateway resolves `user@<device uid>` and authenticates agents by uid before any tenant
   * is known. The caller must check the returned device's tenant against what the person may reach.
   */
  async findByUidUnscoped(uid: string): Promise<DeviceDocument | null> {
    return this.model.findOne({ uid: String(uid).toLowerCase() }).lean<DeviceDocument>().exec();
  }
}
