import type { RecordingFrameKind } from '@fleetgate/contracts';
import { Schema } from 'mongoose';

export const RECORDING_CHUNK_MODEL = 'RecordingChunk';

/** A frame as stored: subdocuments, not `[t, k, d]` triples, because FerretDB 1.x stores no nested arrays. */
export interface StoredRecordingFrame {
  /** Epoch milliseconds. */
  t: number;
  k: RecordingFrameKind;
  /** The bytes, base64. */
  d: string;
}

/**
 * One batch of a recorded session's frames, chained to the previous chunk by `hash` (docs/recordings.md). A
 * chunk is written once and never updated: the unique (session_uid, seq) index makes a retried ingest a no-op.
 */
export interface RecordingChunkDocument {
  tenant_id: string;
  session_uid: string;
  seq: number;
  /** The session's first recorded frame; retention deletes a recording whole, by this time. */
  session_started_at: Date;
  /** Time of the chunk's first frame. */
  started_at: Date;
  frames: StoredRecordingFrame[];
  previous_hash: string;
  hash: string;
  last: boolean;
}

const frameSchema = new Schema<StoredRecordingFrame>(
  {
    t: { type: Number, required: true },
    k: { type: String, required: true, enum: ['o', 'i', 'r'] },
    d: { type: String, default: '' },
  },
  { _id: false, versionKey: false as const, strict: 'throw' as const },
);

export const recordingChunkSchema = new Schema<RecordingChunkDocument>(
  {
    tenant_id: { type: String, required: true },
    session_uid: { type: String, required: true },
    seq: { type: Number, required: true },
    session_started_at: { type: Date, required: true },
    started_at: { type: Date, required: true },
    frames: { type: [frameSchema], default: [] },
    previous_hash: { type: String, required: true },
    hash: { type: String, required: true },
    last: { type: Boolean, default: false },
  },
  { collection: 'recording_chunks', versionKey: false as const, strict: 'throw' as const },
);
recordingChunkSchema.index({ session_uid: 1, seq: 1 }, { unique: true });
recordingChunkSchema.index({ tenant_id: 1, session_started_at: 1 });
