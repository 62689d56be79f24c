import { Schema } from 'mongoose';

export const RECORDING_SIGNATURE_MODEL = 'RecordingSignature';

/** The platform key's signature over a recording's chain head at chunk `seq` (docs/recordings.md). */
export interface RecordingSignatureDocument {
  tenant_id: string;
  session_uid: string;
  seq: number;
  hash: string;
  signed_at: Date;
  algorithm: 'RS256';
  signature: string;
  session_started_at: Date;
}

export const recordingSignatureSchema = new Schema<RecordingSignatureDocument>(
  {
    tenant_id: { type: String, required: true },
    session_uid: { type: String, required: true },
    seq: { type: Number, required: true },
    hash: { type: String, required: true },
    signed_at: { type: Date, required: true },
    algorithm: { type: String, required: true, enum: ['RS256'] },
    signature: { type: String, required: true },
    session_started_at: { type: Date, required: true },
  },
  { collection: 'recording_signatures', versionKey: false as const, strict: 'throw' as const },
);
recordingSignatureSchema.index({ session_uid: 1, seq: 1 }, { unique: true });
recordingSignatureSchema.index({ tenant_id: 1, session_started_at: 1 });
