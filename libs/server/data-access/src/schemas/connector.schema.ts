import { Schema } from 'mongoose';
import { documentSchemaOptions } from './schema-options';

export const CONNECTOR_MODEL = 'Connector';

/** Client TLS material for a Docker engine's HTTPS port; the private key is stored sealed (see SecretBox). */
export interface ConnectorTls {
  ca: string;
  cert: string;
  /** Sealed; never stored or answered in clear. */
  key_sealed: string;
}

/** What the platform saw when it last asked the engine for its info. */
export interface ConnectorStatus {
  state: 'unknown' | 'connected' | 'disconnected';
  message: string;
}

/** A remote Docker engine whose containers the namespace reaches as devices (ShellHub Cloud's connectors). */
export interface ConnectorDocument {
  uid: string;
  tenant_id: string;
  enable: boolean;
  address: string;
  port: number;
  secure: boolean;
  tls: ConnectorTls | null;
  status: ConnectorStatus;
  created_at?: Date;
  updated_at?: Date;
}

export const connectorSchema = new Schema<ConnectorDocument>(
  {
    uid: { type: String, required: true },
    tenant_id: { type: String, required: true },
    enable: { type: Boolean, required: true },
    address: { type: String, required: true },
    port: { type: Number, required: true },
    secure: { type: Boolean, required: true },
    tls: {
      type: new Schema<ConnectorTls>(
        {
          ca: { type: String, required: true },
          cert: { type: String, required: true },
          key_sealed: { type: String, required: true },
        },
        { _id: false },
      ),
      default: null,
    },
    status: {
      type: new Schema<ConnectorStatus>(
        {
          state: { type: String, required: true, enum: ['unknown', 'connected', 'disconnected'] },
          message: { type: String, default: '' },
        },
        { _id: false },
      ),
      default: () => ({ state: 'unknown', message: '' }),
    },
  },
  documentSchemaOptions('connectors'),
);
connectorSchema.index({ tenant_id: 1, uid: 1 }, { unique: true });
