export {
  GENESIS_HASH,
  canonicalChunkText,
  canonicalHeadText,
  chunkHash,
  headSignatureValid,
  signHead,
  verifyRecordingChain,
  type ChainHead,
  type ChunkContent,
  type StoredChunk,
  type StoredSignature,
  type VerificationReport,
  type VerificationStatus,
} from './recording-chain';
export { asciicastLines, parseTerminalSize } from './asciicast';
export { verifyRecordingBundle } from './recording-bundle';
export {
  DatabaseRecordingStore,
  RecordingStore,
  type ExpiredRecordingsDeleted,
  type RecordingChunkRecord,
  type RecordingSignatureRecord,
} from './recording-store';
export { InvalidRecordingChunkError, RecordingIngestService, type IngestOutcome } from './recording-ingest.service';
export { RecordingPlaybackService, type PlayedFrame } from './recording-playback.service';
export { ReportedRecordingService, type ReportedFrame, type ReportedFrameOutcome } from './reported-recording.service';
export { RecordingRetentionService, type RetentionResult, type RetentionSettings } from './recording-retention.service';
export {
  GatewayRecorderFactory,
  SessionRecording,
  ingestJobId,
  queueChunkSink,
  type ChunkSink,
  type DrainableRecorderFactory,
  type RecorderSettings,
} from './session-recording';
export { RecordingPlaybackModule, RecordingsModule } from './recordings.module';
export { RECORDING_PUBLIC_KEYS } from './recordings.tokens';
