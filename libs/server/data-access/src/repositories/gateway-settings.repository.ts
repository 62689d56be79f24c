import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { GATEWAY_SETTINGS_MODEL, type GatewaySettingsDocument } from '../schemas/gateway-settings.schema';

export type GatewaySettingsFields = Omit<GatewaySettingsDocument, 'key' | 'created_at' | 'updated_at'>;

/** The instance's one gateway settings document; it belongs to no tenant. */
@Injectable()
export class GatewaySettingsRepository {
  constructor(@InjectModel(GATEWAY_SETTINGS_MODEL) private readonly model: Model<GatewaySettingsDocument>) {}

  /** The stored settings, or null while nobody has saved any (the gateways then run on their configured defaults). */
  async find(): Promise<GatewaySettingsDocument | null> {
    return this.model.findOne({ key: 'gateway' }).lean<GatewaySettingsDocument>().exec();
  }

  async put(fields: GatewaySettingsFields): Promise<GatewaySettingsDocument> {
    const updated = await this.model
      .findOneAndUpdate({ key: 'gateway' }, { $set: { ...fields, key: 'gateway' } }, { new: true, upsert: true, runValidators: true })
      .lean<GatewaySettingsDocument>()
      .exec();
    return updated as GatewaySettingsDocument;
  }
}
