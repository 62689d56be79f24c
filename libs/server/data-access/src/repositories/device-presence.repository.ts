import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { chunked } from '../batching/write-batches';
import type { PresenceEntry } from '../presence/device-presence.store';
import { DEVICE_MODEL, type DeviceDocument } from '../schemas/device.schema';

/**
 * Uids per last_seen updateMany. FerretDB's SQLite backend rewrites each matched document on its own (measured
 * about 7 ms each), so a command of 100 takes under a second and other clients' queries interleave with a large
 * round instead of queueing behind one long command.
 */
const LAST_SEEN_UIDS_PER_UPDATE = 100;

/**
 * `last_seen` in the database, written by the gateway at a coarse interval. Whether a device is online lives in
 * Redis (DevicePresenceStore); the database only keeps when it was last heard from, for lists and sorting.
 */
@Injectable()
export class DevicePresenceRepository {
  constructor(@InjectModel(DEVICE_MODEL) private readonly model: Model<DeviceDocument>) {}

  /**
   * Sets `last_seen` of many devices: one updateMany per tenant and chunk of uids, never one statement per
   * device. Sent one after the other so that the database keeps answering others meanwhile. Returns the commands.
   */
  async recordLastSeen(entries: readonly PresenceEntry[], lastSeen: Date): Promise<number> {
    const byTenant = new Map<string, string[]>();
    for (const { tenantId, uid } of entries) {
      const uids = byTenant.get(tenantId);
      if (uids) uids.push(uid);
      else byTenant.set(tenantId, [uid]);
    }
    let commands = 0;
    for (const [tenantId, uids] of byTenant) {
      for (const chunk of chunked(uids, LAST_SEEN_UIDS_PER_UPDATE)) {
        await this.model.updateMany({ tenant_id: tenantId, uid: { $in: chunk } }, { $set: { last_seen: lastSeen } }).exec();
        commands++;
      }
    }
    return commands;
  }
}
