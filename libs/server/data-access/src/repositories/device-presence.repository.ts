import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { AnyBulkWriteOperation, Model } from 'mongoose';
import { DEVICE_MODEL, type DeviceDocument } from '../schemas/device.schema';
import type { TenantScope } from '../tenancy/tenant-scope';

export interface PresenceUpdate {
  scope: TenantScope;
  uid: string;
  lastSeen: Date;
  /** Absent: only last_seen changes. */
  online?: boolean;
}

/** Online state and last_seen, written by the gateway in batches: one bulk write for many devices. */
@Injectable()
export class DevicePresenceRepository {
  constructor(@InjectModel(DEVICE_MODEL) private readonly model: Model<DeviceDocument>) {}

  async apply(updates: readonly PresenceUpdate[]): Promise<void> {
    if (updates.length === 0) return;
    const operations: AnyBulkWriteOperation<DeviceDocument>[] = updates.map((update) => ({
      updateOne: {
        filter: { tenant_id: update.scope.tenantId, uid: update.uid },
        update: { $set: { last_seen: update.lastSeen, ...(update.online === undefined ? {} : { online: update.online }) } },
      },
    }));
    await this.model.bulkWrite(operations, { ordered: false });
  }
}
