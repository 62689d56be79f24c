import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { CONNECTOR_MODEL, type ConnectorDocument } from '../schemas/connector.schema';
import { TenantScopedRepository } from '../tenancy/tenant-scoped.repository';

@Injectable()
export class ConnectorsRepository extends TenantScopedRepository<ConnectorDocument> {
  constructor(@InjectModel(CONNECTOR_MODEL) model: Model<ConnectorDocument>) {
    super(model);
  }
}
