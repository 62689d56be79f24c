import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { isDuplicateKeyError } from '@fleetgate/errors';
import {
  GATEWAY_HOST_KEY_MODEL,
  type GatewayHostKeyDocument,
  type HostKeyAlgorithm,
} from '../schemas/gateway-host-key.schema';

/** The gateway's host keys belong to the instance, not to a tenant: these queries are unscoped by design. */
@Injectable()
export class GatewayHostKeysRepository {
  constructor(@InjectModel(GATEWAY_HOST_KEY_MODEL) private readonly model: Model<GatewayHostKeyDocument>) {}

  async listUnscoped(): Promise<GatewayHostKeyDocument[]> {
    return this.model.find({}).sort({ algorithm: 1 }).lean<GatewayHostKeyDocument[]>().exec();
  }

  async findUnscoped(algorithm: HostKeyAlgorithm): Promise<GatewayHostKeyDocument | null> {
    return this.model.findOne({ algorithm: String(algorithm) }).lean<GatewayHostKeyDocument>().exec();
  }

  /** Stores the family's key, replacing the one it had (a rotation). */
  async replaceUnscoped(key: Omit<GatewayHostKeyDocument, 'created_at' | 'updated_at'>): Promise<GatewayHostKeyDocument> {
    // One upsert, so no gateway that reloads meanwhile ever sees the family without a key.
    const stored = await this.model
      .findOneAndUpdate({ algorithm: key.algorithm }, { $set: key }, { upsert: true, new: true, runValidators: true })
      .lean<GatewayHostKeyDocument>()
      .exec();
    return stored as GatewayHostKeyDocument;
  }

  /** Stores the key only when its family has none yet (a migration that several processes may run at once). */
  async insertIfAbsentUnscoped(key: Omit<GatewayHostKeyDocument, 'created_at' | 'updated_at'>): Promise<boolean> {
    try {
      await this.model.create(key);
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async setEnabledUnscoped(algorithm: HostKeyAlgorithm, enabled: boolean): Promise<GatewayHostKeyDocument | null> {
    return this.model
      .findOneAndUpdate({ algorithm: String(algorithm) }, { $set: { enabled } }, { new: true })
      .lean<GatewayHostKeyDocument>()
      .exec();
  }
}
