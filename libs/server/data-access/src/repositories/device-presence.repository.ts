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

/**
 * FerretDB 1.24 never answers an update command carrying more statements than its connection pool holds (about 100
 * on SQLite), and then stops answering everybody (issue 18). A reconnect storm queues hundreds of presence changes
 * between two flushes, so they go out in commands of at most this many.
 */
const MAX_STATEMENTS_PER_COMMAND = 50;

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
    for (let start = 0; start < operations.length; start += MAX_STATEMENTS_PER_COMMAND) {
      await this.model.bulkWrite(operations.slice(start, start + MAX_STATEMENTS_PER_COMMAND), { ordered: false });
    }
  }
}
